import { isDiskFull } from "../../distill/pipeline/is-disk-full.js";
import { AlambiqueError } from "../../spec/errors.js";
import { TrainingError } from "../../spec/students.js";

/** Failures a second try may not have: the engine died, or the sidecar failed, hung or left nothing. */
const RESUMABLE = new Set<string>([
  "engine_failed",
  "command_failed",
  "command_timeout",
  "command_no_output",
  "command_still_running",
]);

export type StudentOutcome = "succeeded" | "interrupted" | "paused" | "failed" | "taken_over";

/**
 * How a training session that did not succeed ends, and what to tell the
 * person. Interrupted (Ctrl-C), a full disk, or the trainer dying (a native
 * assert, the kernel's OOM killer) pause the job: its last checkpoint stands
 * and `students resume` goes on; so does a trainer sidecar that failed, hung
 * or left no model (a resume runs it again), or an earlier session's command
 * that could not be stopped (resume once it is). Anything else (bad input
 * found late, the name taken meanwhile) fails it.
 */
export function studentStop(
  error: unknown,
  at: { interrupted: boolean; epoch: number; epochs: number; jobId: string },
): { outcome: Exclude<StudentOutcome, "succeeded" | "taken_over">; reason: AlambiqueError } {
  const after = at.epoch > 0 ? `after epoch ${at.epoch} of ${at.epochs}` : "before the first epoch ended";
  const resume = `alambique students resume ${at.jobId}`;
  if (at.interrupted) {
    return {
      outcome: "interrupted",
      reason: new TrainingError("cancelled", `training was interrupted ${after}; the job is paused`, {
        hint: `${resume} goes on from the last finished epoch`,
      }),
    };
  }
  if (isDiskFull(error)) {
    return {
      outcome: "paused",
      reason: new AlambiqueError(`the disk is full (${(error as Error).message}) ${after}`, {
        code: "store_full",
        status: 507,
        hint: `free space, then ${resume}`,
      }),
    };
  }
  if (TrainingError.isInstance(error) && RESUMABLE.has(error.reason)) {
    return { outcome: "paused", reason: error };
  }
  return {
    outcome: "failed",
    reason: AlambiqueError.isInstance(error)
      ? error
      : new AlambiqueError(error instanceof Error ? error.message : String(error), {
          code: "training_engine_failed",
          cause: error,
        }),
  };
}
