/**
 * The distillation loop's engine: runs one `distill` job from the stage its
 * checkpoint names to the end, or until it is interrupted or a stage stops.
 *
 *   synth → freeze → train → eval → promote (if the gate passes)
 *
 * Each stage composes the job functions its own command uses (`runSynthJob`,
 * `datasets.freeze`, `enqueueStudentJob` + `runStudentJob`, `enqueueEvalJob`
 * + `runEvalJob`, `promoteStudent`), so the sub-jobs are ordinary jobs:
 * `synth status`, `students status` and `eval show` see them. The loop's
 * checkpoint moves on only after a stage's result is stored, and records a
 * sub-job's id as soon as it is queued: a loop killed anywhere resumes at the
 * stage it was in, and the sub-job in flight resumes from its own checkpoint.
 *
 * `signal` (Ctrl-C) pauses the sub-job in flight and the loop with it. A
 * stage that stops (a sub-job paused with an error, or an error to fix first)
 * pauses the loop with the stage and the reason; a sub-job that failed for
 * good fails the loop.
 */
import { AlambiqueError, NotFoundError, ValidationError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { TrainingError } from "../../spec/students.js";
import { claimJob, newLeaseOwner } from "../pipeline/claim-job.js";
import type { SynthModelSource } from "../pipeline/load-synth-context.js";
import type { DistillEvent, DistillOutcome, DistillStop } from "./distill-event.js";
import {
  DISTILL_JOB_KIND,
  type DistillCheckpoint,
  type DistillJobPayload,
  type DistillStage,
  distillJobPayloadSchema,
} from "./distill-job-payload.js";
import { DistillSession, describeError } from "./distill-session.js";
import { evalStage } from "./eval-stage.js";
import { freezeStage } from "./freeze-stage.js";
import { promoteStage } from "./promote-stage.js";
import type { StageContext, StageResult } from "./stage-context.js";
import { synthStage } from "./synth-stage.js";
import { trainStage } from "./train-stage.js";

export const DISTILL_NOUNS = {
  kind: DISTILL_JOB_KIND,
  what: "distillation job",
  command: "distill",
  list: "alambique distill status",
};

const STAGES: Record<DistillStage, (ctx: StageContext) => Promise<StageResult>> = {
  synth: synthStage,
  freeze: freezeStage,
  train: trainStage,
  eval: evalStage,
  promote: promoteStage,
};

export interface RunDistillJobOptions {
  store: Store;
  models: SynthModelSource;
  /** Where students' GGUFs go (`modelsDir/students/NAME.gguf`). */
  modelsDir: string;
  jobId: string;
  owner?: string;
  /** The loop's and its sub-jobs' lease, in ms. Default 30 000; heartbeats every third of it. */
  leaseMs?: number;
  /** How long to wait for a dead worker's lease to expire. Default: one lease and a bit. */
  claimWaitMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: DistillEvent) => void;
}

export interface DistillRunResult {
  job: Job;
  payload: DistillJobPayload;
  outcome: DistillOutcome;
  checkpoint: DistillCheckpoint;
  /** Where and why it stopped, when it did not reach its end. */
  stop: DistillStop | null;
}

/**
 * Throws before claiming: NotFoundError, ValidationError (not a distill job),
 * and `claimJob`'s errors (`job_paused`, `job_finished`, `job_busy`); once
 * claimed, what went wrong is in the result and in the job.
 */
export async function runDistillJob(options: RunDistillJobOptions): Promise<DistillRunResult> {
  const { store, jobId } = options;
  const found = await store.jobs.get(jobId);
  if (!found) throw new NotFoundError("distillation job", jobId, "`alambique distill status` lists them");
  const payload = parsePayload(found);
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? newLeaseOwner();
  const emit = (event: DistillEvent) => options.onEvent?.(event);
  const claimed = await claimJob(store, jobId, DISTILL_NOUNS, {
    owner,
    leaseMs,
    waitMs: options.claimWaitMs ?? leaseMs + 5_000,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (job, until) =>
      emit({
        type: "notice",
        message: `job ${jobId} was left running by ${job.leaseOwner}; waiting ${Math.ceil((until - Date.now()) / 1000)} s for its lease to expire`,
      }),
  });
  const session = new DistillSession({
    store,
    job: claimed,
    payload,
    owner,
    leaseMs,
    signal: options.signal,
  });
  const ctx: StageContext = {
    store,
    models: options.models,
    tenantId: claimed.tenantId ?? "",
    modelsDir: options.modelsDir,
    payload,
    session,
    lease: { leaseMs, ...(options.claimWaitMs !== undefined ? { claimWaitMs: options.claimWaitMs } : {}) },
    emit,
  };
  let stop: DistillStop | null = null;
  try {
    await session.start();
    while (session.checkpointState.stage !== "done" && !session.signal.aborted) {
      const stage = session.checkpointState.stage as DistillStage;
      try {
        stop = (await STAGES[stage](ctx)) ?? null;
      } catch (error) {
        stop = {
          stage,
          jobId: subJobOf(session.checkpointState, stage),
          outcome: isFinal(error) ? "failed" : "paused",
          error: describeError(error),
        };
      }
      if (stop) break;
    }
  } catch (error) {
    const stage = session.checkpointState.stage;
    stop = {
      stage: stage === "done" ? "promote" : stage,
      jobId: null,
      outcome: "paused",
      error: describeError(error),
    };
  } finally {
    session.close();
  }
  const ended = await session.end(stop);
  return { ...ended, payload, checkpoint: session.checkpointState, stop };
}

/**
 * A stage's error that going on later cannot mend, because what it is about
 * is fixed by then (the frozen dataset, the payload's base): the loop fails.
 * Anything else pauses it, to resume once fixed (memory freed, a model
 * server back up, a model re-added).
 */
function isFinal(error: unknown): boolean {
  if (TrainingError.isInstance(error))
    return !["not_enough_memory", "engine_failed", "cancelled"].includes(error.reason);
  if (AlambiqueError.isInstance(error))
    return ["eval_no_test_split", "eval_test_overlap", "license_forbids_training"].includes(error.code);
  return ValidationError.isInstance(error);
}

function subJobOf(ck: DistillCheckpoint, stage: DistillStage): string | null {
  return stage === "synth" || stage === "train" || stage === "eval" ? ck.jobs[stage] : null;
}

function parsePayload(job: Job): DistillJobPayload {
  const parsed = distillJobPayloadSchema.safeParse(job.payload);
  if (job.kind === DISTILL_JOB_KIND && parsed.success) return parsed.data;
  throw new ValidationError(
    `job ${job.id} is not a distillation job this version can run`,
    parsed.success
      ? [{ path: ["kind"], message: `expected ${DISTILL_JOB_KIND}, got ${job.kind}` }]
      : parsed.error.issues.map((i) => ({
          path: i.path.filter((p) => typeof p !== "symbol"),
          message: i.message,
        })),
    "Start a new one with `alambique distill AGENT --teacher T --base B`.",
  );
}
