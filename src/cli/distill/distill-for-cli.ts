/**
 * `distill AGENT …`, `distill resume JOB` and `distill status [JOB]` on the
 * default tenant. Names are checked here first so a typo gets the closest
 * existing name; then `enqueueDistillJob` checks the rest before anything is
 * stored, and the loop runs here (`runDistillForCli`).
 */
import { join } from "node:path";
import {
  DISTILL_JOB_KIND,
  type DistillJobPayload,
  distillJobPayloadSchema,
  readDistillCheckpoint,
} from "../../distill/loop/distill-job-payload.js";
import { type DistillRequest, enqueueDistillJob } from "../../distill/loop/enqueue-distill-job.js";
import type { DistillRunResult } from "../../distill/loop/run-distill-job.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { actorOf } from "../commands/students-promote.js";
import { findAgentForCli } from "../find-agent-for-cli.js";
import { findJob } from "../find-job.js";
import { formatTable } from "../format-table.js";
import { synthModelRegistry } from "../synth/run-synth-for-cli.js";
import { findModelForCli } from "./find-model-for-cli.js";
import { runDistillForCli } from "./run-distill-for-cli.js";

export type DistillCliRequest = Omit<DistillRequest, "tenantId" | "modelsDir" | "actor"> & { by?: string };

export async function startDistillForCli(
  context: CliContext,
  request: DistillCliRequest,
  options: { json?: boolean | undefined },
): Promise<DistillRunResult> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const models = synthModelRegistry(context, store);
  await findAgentForCli(store, tenant.id, request.agent);
  await findModelForCli(models, request.teacher, "teacher");
  await findModelForCli(models, request.base, "base");
  if (request.judge !== undefined) await findModelForCli(models, request.judge, "judge");
  const modelsDir = join(context.config.dataPath, "models");
  const { by, ...rest } = request;
  const queued = await enqueueDistillJob(store, models, {
    ...rest,
    tenantId: tenant.id,
    modelsDir,
    actor: actorOf(by, context.env),
  });
  for (const warning of queued.warnings) context.io.err(`warning: ${warning}`);
  const p = queued.payload;
  context.io.err(
    `job ${queued.job.id}: distill ${p.student} for ${p.agent.name} from ${p.base}, taught by ${p.teacher}: ` +
      `${p.rows} synthetic rows → freeze → train → evaluate → promote if the gate passes (Ctrl-C pauses; \`alambique distill resume ${queued.job.id}\` goes on)`,
  );
  return runDistillForCli(context, store, models, modelsDir, queued.job.id, options);
}

export async function resumeDistillForCli(
  context: CliContext,
  idOrPrefix: string,
  options: { json?: boolean | undefined },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const job = await findDistillJob(store, tenant.id, idOrPrefix);
  if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") {
    throw new AlambiqueError(
      `job ${job.id} has ${job.status === "cancelled" ? "been cancelled" : job.status}: there is nothing to resume`,
      {
        code: "job_finished",
        retryable: false,
        hint: `\`alambique distill status ${job.id}\` shows how it ended; \`alambique distill AGENT --teacher T --base B\` starts a new loop`,
      },
    );
  }
  if (job.status === "paused") await store.jobs.setStatus(job.id, "queued");
  const models = synthModelRegistry(context, store);
  await runDistillForCli(context, store, models, join(context.config.dataPath, "models"), job.id, options);
}

export async function printDistillStatus(
  context: CliContext,
  idOrPrefix: string | undefined,
  options: { json?: boolean | undefined },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  if (idOrPrefix === undefined) {
    const views = (await store.jobs.list({ kind: DISTILL_JOB_KIND, tenantId: tenant.id })).flatMap(view);
    if (options.json) return context.io.out(JSON.stringify(views, null, 2));
    if (views.length === 0)
      return context.io.out("No distillation loops yet: `alambique distill AGENT --teacher T --base B`.");
    const header = ["JOB", "STATUS", "STAGE", "AGENT", "STUDENT", "TEACHER", "PROMOTED"];
    const rows = views.map((v) => [
      v.id,
      v.status,
      v.stage,
      v.agent,
      v.student,
      v.teacher,
      v.promoted ? "yes" : "no",
    ]);
    return context.io.out(formatTable([header, ...rows]));
  }
  const [one] = view(await findDistillJob(store, tenant.id, idOrPrefix));
  if (!one)
    throw new AlambiqueError(`job ${idOrPrefix} is not one this version can read`, { code: "not_found" });
  if (options.json) return context.io.out(JSON.stringify(one, null, 2));
  const sub = async (id: string | null) => {
    const job = id ? await store.jobs.get(id) : undefined;
    return job
      ? `${job.id}: ${job.status}, ${(job.progress * 100).toFixed(0)}%${job.error ? ` (${job.error})` : ""}`
      : "not started";
  };
  context.io.out(
    formatTable([
      ["job", one.id],
      ["status", `${one.status}, stage ${one.stage}${one.error ? ` (${one.error})` : ""}`],
      [
        "loop",
        `${one.student} for ${one.agent} from ${one.base}, taught by ${one.teacher}, ${one.rows} rows`,
      ],
      ["synthetic data", await sub(one.jobs.synth)],
      ["dataset", one.dataset ? `${one.dataset.name}@${one.dataset.version}` : "not yet"],
      ["training", await sub(one.jobs.train)],
      ["evaluation", await sub(one.jobs.eval)],
      ["scorecard", one.scorecard ?? "not yet"],
      [
        "gate",
        one.gate
          ? one.gate.passed
            ? "passed"
            : `not passed: ${one.gate.failures.join("; ")}`
          : "not checked yet",
      ],
      ["promoted", one.promoted ? `yes (change ${one.promotion?.seq})` : "no"],
    ]),
  );
}

function findDistillJob(store: Store, tenantId: string, idOrPrefix: string): Promise<Job> {
  return findJob(store, {
    tenantId,
    kind: DISTILL_JOB_KIND,
    idOrPrefix,
    what: "distillation job",
    listCommand: "alambique distill status",
  });
}

/** One loop as `distill status --json` prints it; empty for a payload this version cannot read. */
function view(job: Job) {
  const parsed = distillJobPayloadSchema.safeParse(job.payload);
  if (!parsed.success) return [];
  const p: DistillJobPayload = parsed.data;
  const ck = readDistillCheckpoint(job.checkpoint, p);
  return [
    {
      id: job.id,
      status: job.status,
      stage: ck.stage,
      error: job.error,
      agent: p.agent.name,
      teacher: p.teacher,
      base: p.base,
      student: p.student,
      rows: p.rows,
      dataset: ck.dataset,
      jobs: ck.jobs,
      scorecard: ck.scorecardId,
      gate: ck.gate,
      promoted: ck.promotion !== null,
      promotion: ck.promotion,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    },
  ];
}
