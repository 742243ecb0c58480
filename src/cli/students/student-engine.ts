import type { StudentJobPayload } from "../../distill/training/student-job-payload.js";
import type { ResolvedConfig } from "../../spec/config.js";
import { TrainingError } from "../../spec/students.js";

/** Default seconds without a progress line before a trainer sidecar is killed. */
export const DEFAULT_PROGRESS_TIMEOUT_SECONDS = 600;

/**
 * The engine a `students train` asks for, from `--engine` and
 * `training` in alambique.yaml. Throws TrainingError(command_not_configured)
 * for `command` without `training.command`.
 */
export function studentEngine(
  engine: "builtin" | "command",
  config: ResolvedConfig,
): StudentJobPayload["engine"] {
  if (engine === "builtin") return { type: "builtin" };
  const command = config.training?.command;
  if (!command) {
    throw new TrainingError(
      "command_not_configured",
      "--engine command needs training.command in alambique.yaml",
      {
        hint: 'Add e.g. training: { command: [./train.sh, "{job}"] } (the trainer\'s argv; {job} is the job folder). README, "Students".',
      },
    );
  }
  return {
    type: "command",
    command,
    progressTimeoutSeconds: config.training?.progressTimeoutSeconds ?? DEFAULT_PROGRESS_TIMEOUT_SECONDS,
  };
}
