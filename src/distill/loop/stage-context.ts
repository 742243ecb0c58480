/**
 * What every stage of the loop is given, and the one rule for a stage's
 * sub-job: a paused one is queued again and run (its runner resumes it from
 * its own checkpoint), a succeeded one is not run again (its result is read
 * back), a failed or cancelled one stops the loop for good.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import type { SynthModelSource } from "../pipeline/load-synth-context.js";
import type { DistillEvent, DistillStop } from "./distill-event.js";
import type { DistillJobPayload, DistillStage } from "./distill-job-payload.js";
import type { DistillSession } from "./distill-session.js";

export interface StageContext {
  store: Store;
  models: SynthModelSource;
  tenantId: string;
  /** Where students' GGUFs go. */
  modelsDir: string;
  payload: DistillJobPayload;
  session: DistillSession;
  /** The sub-jobs' lease and how long to wait for a dead worker's. */
  lease: { leaseMs?: number; claimWaitMs?: number };
  emit: (event: DistillEvent) => void;
}

/** A stage ran to its end (and moved the checkpoint on) when undefined; else where and why it stopped. */
export type StageResult = DistillStop | undefined;

export type SubJobState =
  | { state: "done"; job: Job }
  | { state: "run"; job: Job; resumed: boolean }
  | { state: "gone"; stop: DistillStop };

/** Throws NotFoundError when the sub-job was removed from the store. */
export async function readySubJob(store: Store, stage: DistillStage, jobId: string): Promise<SubJobState> {
  const job = await store.jobs.get(jobId);
  if (!job) throw new NotFoundError(`${stage} job`, jobId);
  const resumed = job.attempts > 0;
  switch (job.status) {
    case "succeeded":
      return { state: "done", job };
    case "failed":
    case "cancelled":
      return {
        state: "gone",
        stop: {
          stage,
          jobId,
          outcome: "failed",
          error: `the job has ${job.status}${job.error ? `: ${job.error}` : ""}`,
        },
      };
    case "paused":
      return { state: "run", job: await store.jobs.setStatus(jobId, "queued"), resumed };
    default:
      return { state: "run", job, resumed };
  }
}

/** A sub-job's runner ended without success: where the loop stops. */
export function subJobStop(
  stage: DistillStage,
  jobId: string,
  outcome: DistillStop["outcome"] | "succeeded",
  error: string | null,
): DistillStop {
  return { stage, jobId, outcome: outcome === "succeeded" ? "paused" : outcome, error };
}
