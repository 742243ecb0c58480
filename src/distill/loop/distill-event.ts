/**
 * What a running distillation loop reports, for one progress view over its
 * stages: a stage starting (with its sub-job), each sub-job's own progress
 * as that job's runner reports it, and notices.
 */

import type { TrainerEvent } from "../../spec/students.js";
import type { EvalProgress } from "../eval/run-eval-job.js";
import type { SynthProgress } from "../pipeline/synth-progress.js";
import type { StudentCheckpoint } from "../training/student-job-payload.js";
import type { DistillStage } from "./distill-job-payload.js";

export type DistillEvent =
  | {
      type: "stage";
      stage: DistillStage;
      /** The stage's sub-job, when it has one. */
      jobId: string | null;
      /** The sub-job was started by an earlier session: it goes on from its checkpoint. */
      resumed: boolean;
      /** One line for a person: what the stage does. */
      detail: string;
    }
  | { type: "synth"; progress: SynthProgress }
  | { type: "train"; event: TrainerEvent; checkpoint: StudentCheckpoint }
  | { type: "eval"; progress: EvalProgress }
  | { type: "notice"; message: string };

/** How a loop's session ended. `done` holds whether or not the student was promoted (see the checkpoint's gate). */
export type DistillOutcome = "succeeded" | "interrupted" | "paused" | "failed" | "taken_over" | "cancelled";

/** Where a loop stopped before its end: the stage, its sub-job, and why, as a person should read it. */
export interface DistillStop {
  stage: DistillStage;
  jobId: string | null;
  outcome: Exclude<DistillOutcome, "succeeded">;
  error: string | null;
}
