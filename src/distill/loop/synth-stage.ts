/**
 * Stage 1: synthetic data. Runs (or resumes) the `synth` job queued with the
 * loop, through the same runner and default steps as `synth run`; its
 * dataset version is the loop's dataset from here on.
 */
import { AlambiqueError } from "../../spec/errors.js";
import { defaultSynthSteps } from "../pipeline/default-synth-steps.js";
import { runSynthJob } from "../pipeline/run-synth-job.js";
import { readSynthCheckpoint, synthJobPayloadSchema } from "../pipeline/synth-job-payload.js";
import { readySubJob, type StageContext, type StageResult, subJobStop } from "./stage-context.js";

export async function synthStage(ctx: StageContext): Promise<StageResult> {
  const { store, session, payload } = ctx;
  const jobId = session.checkpointState.jobs.synth;
  const sub = await readySubJob(store, "synth", jobId);
  if (sub.state === "gone") return sub.stop;
  let datasetId = readSynthCheckpoint(sub.job.checkpoint).datasetId;
  if (sub.state === "run") {
    const synth = synthJobPayloadSchema.parse(sub.job.payload);
    ctx.emit({
      type: "stage",
      stage: "synth",
      jobId,
      resumed: sub.resumed,
      detail: `synthetic data: ${synth.count} rows for ${payload.agent.name} by ${synth.teacher}${synth.judge ? `, judged by ${synth.judge}` : ""}`,
    });
    const result = await runSynthJob({
      store,
      models: ctx.models,
      steps: defaultSynthSteps(synth),
      jobId,
      ...ctx.lease,
      signal: session.signal,
      onProgress: (progress) => ctx.emit({ type: "synth", progress }),
      onNotice: (message) => ctx.emit({ type: "notice", message }),
    });
    if (result.outcome !== "succeeded") return subJobStop("synth", jobId, result.outcome, result.error);
    datasetId = result.dataset?.id ?? readSynthCheckpoint(result.job.checkpoint).datasetId;
  }
  const dataset = datasetId ? await store.datasets.get(ctx.tenantId, datasetId) : undefined;
  if (!dataset)
    throw new AlambiqueError(`the synthetic-data job ${jobId} succeeded but its dataset is gone`, {
      code: "not_found",
      retryable: false,
      hint: "start the loop again: `alambique distill AGENT --teacher T --base B`",
    });
  await session.checkpoint({
    stage: "freeze",
    dataset: { id: dataset.id, name: dataset.name, version: dataset.version },
  });
  return undefined;
}
