/**
 * `synth status`, `pause`, `resume` and `cancel`: operator actions on the
 * default tenant's synthetic-data jobs, named by id or by a unique prefix of
 * at least six characters.
 */

import {
  readSynthCheckpoint,
  SYNTH_JOB_KIND,
  synthJobPayloadSchema,
} from "../../distill/pipeline/synth-job-payload.js";
import { buildSynthReport } from "../../distill/pipeline/synth-report.js";
import type { Job, ModelRecord, Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { findJob } from "../find-job.js";
import { formatTable } from "../format-table.js";
import { formatDuration, formatSynthReport, formatUsd } from "./format-synth-report.js";
import { runSynthForCli, synthModelRegistry } from "./run-synth-for-cli.js";

export function findSynthJob(store: Store, tenantId: string, idOrPrefix: string): Promise<Job> {
  return findJob(store, {
    tenantId,
    kind: SYNTH_JOB_KIND,
    idOrPrefix,
    what: "synthetic-data job",
    listCommand: "alambique synth status",
  });
}

export async function printSynthStatus(
  context: CliContext,
  idOrPrefix: string | undefined,
  options: { json?: boolean },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  if (idOrPrefix === undefined) {
    const jobs = await store.jobs.list({ kind: SYNTH_JOB_KIND, tenantId: tenant.id });
    if (options.json) return context.io.out(JSON.stringify(jobs, null, 2));
    if (jobs.length === 0) {
      return context.io.out(
        "No synthetic-data jobs yet: `alambique synth run --agent A --teacher M --count N`.",
      );
    }
    const rows = jobs.map((job) => {
      const payload = synthJobPayloadSchema.safeParse(job.payload);
      const checkpoint = readSynthCheckpoint(job.checkpoint);
      return [
        job.id,
        job.status,
        payload.success ? payload.data.agent.name : "?",
        payload.success ? payload.data.teacher : "?",
        `${checkpoint.rows}/${checkpoint.planned || (payload.success ? payload.data.count : "?")}`,
        String(checkpoint.kept),
        String(checkpoint.dropped),
        formatUsd(checkpoint.costUsd),
        formatDuration(checkpoint.elapsedMs),
        job.updatedAt,
      ];
    });
    const header = [
      "JOB",
      "STATUS",
      "AGENT",
      "TEACHER",
      "ROWS",
      "KEPT",
      "DROPPED",
      "COST",
      "TIME",
      "UPDATED",
    ];
    return context.io.out(formatTable([header, ...rows]));
  }
  const job = await findSynthJob(store, tenant.id, idOrPrefix);
  const payload = synthJobPayloadSchema.parse(job.payload);
  const models = synthModelRegistry(context, store);
  const record = (name: string | null) =>
    name === null ? Promise.resolve(null) : models.find(name).catch((): ModelRecord | null => null);
  const report = buildSynthReport(job, payload, await store.synth.counts(job.id), {
    teacher: await record(payload.teacher),
    judge: await record(payload.judge),
  });
  if (options.json) return context.io.out(JSON.stringify(report, null, 2));
  context.io.out(formatSynthReport(report));
  if (job.status === "running")
    context.io.out(`  worker: ${job.leaseOwner} (lease until ${job.leaseExpiresAt})`);
}

export async function setSynthJobStatus(
  context: CliContext,
  idOrPrefix: string,
  status: "paused" | "cancelled",
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const job = await findSynthJob(store, tenant.id, idOrPrefix);
  const wasRunning = job.status === "running";
  const updated = await store.jobs.setStatus(job.id, status);
  const rows = (await store.synth.counts(job.id)).rows;
  if (status === "paused") {
    context.io.out(
      `paused ${updated.id} at ${rows} rows${wasRunning ? " (its worker stops after the rows in flight)" : ""}; ` +
        `\`alambique synth resume ${updated.id}\` goes on`,
    );
  } else {
    context.io.out(
      `cancelled ${updated.id} at ${rows} rows (they stay readable with \`alambique synth status\`)`,
    );
  }
}

export async function resumeSynthJob(
  context: CliContext,
  idOrPrefix: string,
  options: { json?: boolean },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const job = await findSynthJob(store, tenant.id, idOrPrefix);
  if (job.status === "paused") await store.jobs.setStatus(job.id, "queued");
  const rows = (await store.synth.counts(job.id)).rows;
  context.io.err(`resuming ${job.id} at ${rows} rows`);
  await runSynthForCli(context, store, synthModelRegistry(context, store), job.id, options);
}
