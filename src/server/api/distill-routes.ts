import { z } from "zod";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Job } from "../../spec/store.js";
import type { ApiDeps } from "./api-deps.js";
import { idParams, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { distillJobSchema, distillKinds, toDistillJob } from "./distill-job-view.js";
import { distillLoopsRoute } from "./distill-loops-route.js";

export { distillJobSchema, distillLoopSchema } from "./distill-job-view.js";

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
 * own jobs), its scorecards, starting a loop (`distillLoopsRoute`) and
 * resuming a paused job. Running jobs is a worker's business (`alambique
 * worker`); these routes only read and queue.
 */
export function distillRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  const tenantJob = async (tenantId: string, id: string): Promise<Job> => {
    const job = await store.jobs.get(id);
    if (!job || job.tenantId !== tenantId || !(distillKinds as readonly string[]).includes(job.kind)) {
      throw new NotFoundError("distillation job", id, "GET /api/distill/jobs lists them");
    }
    return job;
  };
  return [
    distillLoopsRoute(deps),
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
              hint: "start a new loop (POST /api/distill/loops, or `alambique distill AGENT --teacher T --base B`)",
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
