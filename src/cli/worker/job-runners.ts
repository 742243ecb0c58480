/**
 * How `alambique worker` runs each kind of job: the same engines `synth
 * run`, `students train`, `eval run` and `distill` use, told to claim the job
 * at once (`claimWaitMs: 0`: a job another worker holds is skipped, never
 * waited for) under this worker's lease name. A distillation loop (queued by
 * `POST /api/distill/loops`, or left by a `distill` that died) runs its
 * stages' sub-jobs in this worker, with `distill`'s own waits: a sub-job its
 * dead session held may outlive the loop's lease by a moment. A queued
 * knowledge upload (`ingest`, queued by `POST /api/agents/:name/knowledge`
 * with `Prefer: respond-async` or `knowledge add --queue`) is read from the
 * store's copy of its files by the same `ingestSources` a synchronous upload
 * runs, within this worker's `knowledge.limits`.
 */
import type { SynthModelSource } from "../../distill/pipeline/load-synth-context.js";
import type { IngestLimitsInput } from "../../knowledge/ingest-limits.js";
import type { Store } from "../../spec/store.js";

export interface JobRun {
  store: Store;
  jobId: string;
  owner: string;
  leaseMs: number;
  signal: AbortSignal;
  /** The catalog's models, made on first use (one registry per worker: models stay loaded between jobs). */
  models: () => SynthModelSource;
  /** Where students' files go (`<data>/models`): a distillation loop's train stage writes there. */
  modelsDir?: string;
  /** Where an ingestion job's files are written while read (`<data>/uploads`; default the system's temp folder). */
  uploadDir?: string;
  /** What reading documents may cost (`knowledge.limits`). */
  knowledgeLimits?: IngestLimitsInput;
}

/** What a run ended as (`interrupted`: the signal stopped it and the job was paused), and why, if it failed. */
export interface JobRunEnd {
  outcome: string;
  error: string | null;
}

export type JobRunner = (run: JobRun) => Promise<JobRunEnd>;

export const jobRunners: Record<string, JobRunner> = {
  async synth({ store, jobId, owner, leaseMs, signal, models }) {
    const { runSynthJob } = await import("../../distill/pipeline/run-synth-job.js");
    const { defaultSynthSteps } = await import("../../distill/pipeline/default-synth-steps.js");
    const { synthJobPayloadSchema } = await import("../../distill/pipeline/synth-job-payload.js");
    const job = await store.jobs.get(jobId);
    const payload = synthJobPayloadSchema.parse(job?.payload);
    const result = await runSynthJob({
      store,
      models: models(),
      steps: defaultSynthSteps(payload),
      jobId,
      owner,
      leaseMs,
      claimWaitMs: 0,
      signal,
    });
    return { outcome: result.outcome, error: result.error };
  },
  async train({ store, jobId, owner, leaseMs, signal }) {
    const { runStudentJob } = await import("../../distill/training/run-student-job.js");
    const result = await runStudentJob({ store, jobId, owner, leaseMs, claimWaitMs: 0, signal });
    return { outcome: result.outcome, error: result.error?.message ?? null };
  },
  async eval({ store, jobId, owner, leaseMs, signal, models }) {
    const { runEvalJob } = await import("../../distill/eval/run-eval-job.js");
    const result = await runEvalJob({
      store,
      models: models(),
      jobId,
      owner,
      leaseMs,
      claimWaitMs: 0,
      signal,
    });
    return { outcome: result.outcome, error: result.error };
  },
  async distill({ store, jobId, owner, leaseMs, signal, models, modelsDir }) {
    const { runDistillJob } = await import("../../distill/loop/run-distill-job.js");
    if (modelsDir === undefined) return { outcome: "failed", error: "this worker has no models folder" };
    const result = await runDistillJob({ store, models: models(), modelsDir, jobId, owner, leaseMs, signal });
    return { outcome: result.outcome, error: result.stop?.error ?? null };
  },
  async ingest({ store, jobId, owner, leaseMs, signal, models, uploadDir, knowledgeLimits }) {
    const { runIngestJob } = await import("../../knowledge/run-ingest-job.js");
    const { tmpdir } = await import("node:os");
    return runIngestJob({
      store,
      jobId,
      owner,
      leaseMs,
      signal,
      models: models(),
      workDir: uploadDir ?? tmpdir(),
      ...(knowledgeLimits ? { limits: knowledgeLimits } : {}),
    });
  },
};
