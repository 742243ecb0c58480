import { z } from "zod";
import {
  DISTILL_JOB_KIND,
  distillJobPayloadSchema,
  readDistillCheckpoint,
} from "../../distill/loop/distill-job-payload.js";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Job } from "../../spec/store.js";
import type { ApiDeps } from "./api-deps.js";
import { idParams, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";

/** The job kinds of distillation: the loop, and the stages it runs as their own jobs. */
const distillKinds = [DISTILL_JOB_KIND, "synth", "train", "eval"] as const;

export const distillLoopSchema = z
  .object({
    stage: z.string().meta({ description: "`synth`, `freeze`, `train`, `eval`, `promote` or `done`" }),
    agent: z.string(),
    teacher: z.string(),
    base: z.string(),
    student: z.string(),
    rows: z.int(),
    jobs: z.object({ synth: z.string(), train: z.string().nullable(), eval: z.string().nullable() }),
    dataset: z.object({ name: z.string(), version: z.int() }).nullable(),
    scorecardId: z.string().nullable(),
    gate: z
      .object({ passed: z.boolean(), failures: z.array(z.string()) })
      .nullable()
      .meta({ description: "The deploy gate's verdict as the promotion stage checked it; null before" }),
    promoted: z.boolean(),
  })
  .meta({ id: "DistillLoop" });

export const distillJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(distillKinds),
    status: z.enum(["queued", "running", "paused", "succeeded", "failed", "cancelled"]),
    progress: z.number().meta({ description: "0..1" }),
    error: z.string().nullable(),
    attempts: z.int(),
    loop: distillLoopSchema.nullable().meta({ description: "For a `distill` job: the loop's stages" }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "DistillJob" });

export const scorecardSummarySchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    version: z.int(),
    jobId: z.string().nullable(),
    candidate: z.string(),
    reference: z.string(),
    judge: z.string(),
    gatePassed: z.boolean(),
    gateFailures: z.array(z.string()),
    candidateRubric: z
      .number()
      .nullable()
      .meta({ description: "Mean rubric 1–5 of the candidate's answers" }),
    referenceRubric: z.number().nullable(),
    winOrTie: z
      .number()
      .nullable()
      .meta({ description: "Share of pairwise judgements the candidate won or tied" }),
    createdAt: isoTime,
  })
  .meta({ id: "ScorecardSummary" });

/**
 * `/api/distill`: the tenant's distillation as the console shows it — its
 * jobs (loops with their stage and the deploy gate's verdict; the stages'
 * own jobs), its scorecards, and resuming a paused job. Running jobs is a
 * worker's business (`alambique worker`); these routes only read and queue.
 */
export function distillRoutes({ store }: ApiDeps): ApiRoute[] {
  const tenantJob = async (tenantId: string, id: string): Promise<Job> => {
    const job = await store.jobs.get(id);
    if (!job || job.tenantId !== tenantId || !(distillKinds as readonly string[]).includes(job.kind)) {
      throw new NotFoundError("distillation job", id, "GET /api/distill/jobs lists them");
    }
    return job;
  };
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/distill/jobs",
      tag: "distill",
      summary: "The tenant's distillation jobs",
      description:
        "Loops (`distill`) and the synthetic-data, training and evaluation jobs they run, newest first.",
      access: "admin",
      response: { description: "Newest first", schema: listOf(distillJobSchema) },
      errors: [],
      async handler({ auth }) {
        const jobs = await Promise.all(
          distillKinds.map((kind) => store.jobs.list({ kind, tenantId: auth.tenantId })),
        );
        const all = jobs
          .flat()
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
        return { data: all.map(toDistillJob) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/distill/jobs/:id/resume",
      tag: "distill",
      summary: "Resume a paused distillation job",
      description:
        "Queues a paused job again, from its checkpoint; a worker (`alambique worker`) takes it. A queued or running job is answered as it is; a finished one is 409 `job_finished`.",
      access: "admin",
      params: idParams,
      response: { description: "The job, queued", schema: distillJobSchema },
      errors: [404, 409],
      async handler({ auth, params }) {
        const job = await tenantJob(auth.tenantId, params.id);
        if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") {
          throw new AlambiqueError(
            `job ${job.id} has ${job.status === "cancelled" ? "been cancelled" : job.status}: there is nothing to resume`,
            {
              code: "job_finished",
              status: 409,
              retryable: false,
              hint: "start a new loop with `alambique distill AGENT --teacher T --base B`",
            },
          );
        }
        return toDistillJob(job.status === "paused" ? await store.jobs.setStatus(job.id, "queued") : job);
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/distill/scorecards",
      tag: "distill",
      summary: "The tenant's scorecards",
      description:
        "Every evaluation's scorecard, oldest first: the candidate against its reference, and the deploy gate's verdict.",
      access: "admin",
      response: { description: "Oldest first", schema: listOf(scorecardSummarySchema) },
      errors: [],
      async handler({ auth }) {
        const cards = await store.evaluations.listScorecards(auth.tenantId);
        return { data: cards.map(toSummary) };
      },
    }),
  ];
}

function toDistillJob(job: Job) {
  return {
    id: job.id,
    kind: job.kind as (typeof distillKinds)[number],
    status: job.status,
    progress: job.progress,
    error: job.error,
    attempts: job.attempts,
    loop: job.kind === DISTILL_JOB_KIND ? loopOf(job) : null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

/** The loop's view; null for a payload this version cannot read (written by a newer one). */
function loopOf(job: Job): z.input<typeof distillLoopSchema> | null {
  const parsed = distillJobPayloadSchema.safeParse(job.payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const ck = readDistillCheckpoint(job.checkpoint, p);
  return {
    stage: ck.stage,
    agent: p.agent.name,
    teacher: p.teacher,
    base: p.base,
    student: p.student,
    rows: p.rows,
    jobs: ck.jobs,
    dataset: ck.dataset ? { name: ck.dataset.name, version: ck.dataset.version } : null,
    scorecardId: ck.scorecardId,
    gate: ck.gate,
    promoted: ck.promotion !== null,
  };
}

/** What the console lists of a scorecard; the whole one is the CLI's (`alambique eval show`). */
function toSummary(card: Awaited<ReturnType<ApiDeps["store"]["evaluations"]["listScorecards"]>>[number]) {
  const s = card.scorecard as {
    gate?: { failures?: string[] };
    models?: {
      candidate?: { rubric?: { mean?: number | null } };
      reference?: { rubric?: { mean?: number | null } };
    };
    pairwise?: { winOrTie?: number | null };
  };
  return {
    id: card.id,
    agentId: card.agentId,
    version: card.version,
    jobId: card.jobId,
    candidate: card.candidate,
    reference: card.reference,
    judge: card.judge,
    gatePassed: card.gatePassed,
    gateFailures: s.gate?.failures ?? [],
    candidateRubric: s.models?.candidate?.rubric?.mean ?? null,
    referenceRubric: s.models?.reference?.rubric?.mean ?? null,
    winOrTie: s.pairwise?.winOrTie ?? null,
    createdAt: card.createdAt,
  };
}
