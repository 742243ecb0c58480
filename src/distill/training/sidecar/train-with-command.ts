import type { EpochMetrics, TrainerEvent } from "../../../spec/students.js";
import { importSidecarOutput } from "./import-sidecar-output.js";
import { runSidecarCommand } from "./run-sidecar-command.js";
import type { SidecarProgressLine } from "./sidecar-job.js";
import { type SidecarJobInput, writeSidecarJob } from "./write-sidecar-job.js";

export interface TrainWithCommandOptions extends SidecarJobInput {
  /** The operator's argv (`training.command`). */
  command: readonly string[];
  progressTimeoutMs: number;
  /** The job folder (kept between sessions of the job; the caller removes it when done). */
  jobDir: string;
  /** Where the student appears, whole, or not at all. */
  out: string;
  /** Progress and the base's loss, as the built-in engine reports them. */
  onEvent?: (event: TrainerEvent) => void;
  /** Told of each epoch's losses, in order; throwing stops the command. */
  onEpoch?: (metrics: EpochMetrics) => Promise<void>;
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Trains a student with the operator's trainer sidecar: writes the job
 * folder (`writeSidecarJob`), runs the command and follows its progress file
 * (`runSidecarCommand`), then imports the GGUF it left (`importSidecarOutput`)
 * to `out`. A resumed job runs the command again in the same folder.
 *
 * Throws TrainingError (command_failed, command_timeout, command_no_output,
 * cancelled, engine_mismatch). Returns the parameter count llama.cpp read.
 */
export async function trainWithCommand(options: TrainWithCommandOptions): Promise<{ parameters: number }> {
  const job = await writeSidecarJob(options.jobDir, options);
  const started = performance.now();
  let epochStarted = started;
  const onLine = async (line: SidecarProgressLine) => {
    if (line.type === "base") {
      options.onEvent?.({ type: "base", validationLoss: line.validationLoss, assistantValidationLoss: null });
    } else if (line.type === "progress") {
      options.onEvent?.({
        type: "progress",
        epoch: Math.min(line.epoch, job.hyperparameters.epochs),
        window: Math.min(line.step, line.steps),
        windows: line.steps,
        tokensPerSecond: line.tokensPerSecond ?? 0,
      });
    } else {
      const now = performance.now();
      const metrics: EpochMetrics = {
        epoch: line.epoch,
        trainLoss: line.trainLoss,
        validationLoss: line.validationLoss,
        assistantValidationLoss: line.assistantValidationLoss ?? null,
        wholeValidationLoss: line.wholeValidationLoss ?? line.validationLoss,
        tokensPerSecond: line.tokensPerSecond ?? 0,
        seconds: line.seconds ?? (now - epochStarted) / 1000,
      };
      epochStarted = now;
      options.onEvent?.({ type: "epoch", metrics, weights: job.output.model });
      await options.onEpoch?.(metrics);
    }
  };
  await runSidecarCommand({
    command: options.command,
    jobDir: options.jobDir,
    progressFile: job.progress,
    progressTimeoutMs: options.progressTimeoutMs,
    onLine,
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const inspected = await importSidecarOutput(job.output.model, options.out);
  return { parameters: inspected.parameters };
}
