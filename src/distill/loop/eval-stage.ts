/**
 * Stage 4: evaluate the student (candidate) against its teacher (reference)
 * on the test split of the dataset it was trained from. Queues an `eval` job
 * (`enqueueEvalJob`, with its checks: a test split, no overlap with the
 * training rows) the first time, then runs or resumes it through the same
 * runner as `eval run`. An unrecorded job of the same student, agent and
 * dataset is adopted, not queued twice.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { enqueueEvalJob } from "../eval/enqueue-eval-job.js";
import { EVAL_JOB_KIND, evalJobPayloadSchema, readEvalCheckpoint } from "../eval/eval-job-payload.js";
import { runEvalJob } from "../eval/run-eval-job.js";
import type { DistillJobPayload } from "./distill-job-payload.js";
import { readySubJob, type StageContext, type StageResult, subJobStop } from "./stage-context.js";

export async function evalStage(ctx: StageContext): Promise<StageResult> {
  const { store, session, payload, tenantId } = ctx;
  const dataset = session.checkpointState.dataset!;
  let jobId = session.checkpointState.jobs.eval ?? (await orphan(store, tenantId, payload, dataset.id));
  if (jobId === undefined) {
    const queued = await enqueueEvalJob(store, ctx.models, {
      tenantId,
      agent: payload.agent.id,
      candidate: payload.student,
      reference: payload.teacher,
      dataset: `${dataset.name}@${dataset.version}`,
      repeats: payload.repeats,
      seed: payload.seed,
      ...(payload.judge !== null ? { judge: payload.judge } : {}),
      ...(payload.maxTokens !== null ? { maxTokens: payload.maxTokens } : {}),
    });
    for (const warning of queued.warnings) ctx.emit({ type: "notice", message: `warning: ${warning}` });
    jobId = queued.job.id;
  }
  if (session.checkpointState.jobs.eval !== jobId)
    await session.checkpoint({ jobs: { ...session.checkpointState.jobs, eval: jobId } });

  const sub = await readySubJob(store, "eval", jobId);
  if (sub.state === "gone") return sub.stop;
  let scorecardId = readEvalCheckpoint(sub.job.checkpoint).scorecardId;
  if (sub.state === "run") {
    const p = evalJobPayloadSchema.parse(sub.job.payload);
    ctx.emit({
      type: "stage",
      stage: "eval",
      jobId,
      resumed: sub.resumed,
      detail: `evaluate ${p.candidate} against ${p.reference} on ${p.dataset.name}@${p.dataset.version}'s test split, judged by ${p.judge}, ${p.repeats} repeat(s)`,
    });
    const result = await runEvalJob({
      store,
      models: ctx.models,
      jobId,
      ...ctx.lease,
      signal: session.signal,
      onProgress: (progress) => ctx.emit({ type: "eval", progress }),
      onNotice: (message) => ctx.emit({ type: "notice", message }),
    });
    if (result.outcome !== "succeeded") return subJobStop("eval", jobId, result.outcome, result.error);
    scorecardId = result.scorecard?.id ?? readEvalCheckpoint(result.job.checkpoint).scorecardId;
  }
  if (!scorecardId) throw new NotFoundError("scorecard of the evaluation job", jobId);
  await session.checkpoint({ stage: "promote", scorecardId });
  return undefined;
}

async function orphan(
  store: Store,
  tenantId: string,
  payload: DistillJobPayload,
  datasetId: string,
): Promise<string | undefined> {
  const jobs = await store.jobs.list({ kind: EVAL_JOB_KIND, tenantId });
  const mine = jobs.filter((j) => {
    const p = evalJobPayloadSchema.safeParse(j.payload).data;
    return (
      !["failed", "cancelled"].includes(j.status) &&
      p?.candidate === payload.student &&
      p.agent.id === payload.agent.id &&
      p.dataset.id === datasetId
    );
  });
  return mine.at(-1)?.id;
}
