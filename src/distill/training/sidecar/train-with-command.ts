import type { EpochMetrics, TrainerEvent } from "../../../spec/students.js";
import type { LoraAdapterFacts } from "../adapter/check-lora-adapter.js";
import { earlierRun, markCommandExited } from "./finished-sidecar-run.js";
import { checkSidecarOutput, placeSidecarOutput, type SidecarOutput } from "./import-sidecar-output.js";
import { runSidecarCommand } from "./run-sidecar-command.js";
import type { SidecarJob, SidecarProgressLine } from "./sidecar-job.js";
import { stopEarlierSidecar } from "./sidecar-process.js";
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

export interface TrainedWithCommand {
  /** llama.cpp's count for a model; the base's is not read for an adapter (0). */
  parameters: number;
  /** Present when the sidecar left a LoRA adapter, placed beside `out` (`.lora.gguf`). */
  adapter?: { file: string; facts: LoraAdapterFacts };
}

/**
 * Trains a student with the operator's trainer sidecar: writes the job
 * folder (`writeSidecarJob`), runs the command and follows its progress file
 * (`runSidecarCommand`), then imports what it left (`checkSidecarOutput`: a
 * model, or a LoRA adapter for the base) to `out`.
 *
 * A resumed job's earlier command, if still running (Alambique was killed
 * while it trained), is stopped first (`stopEarlierSidecar`): one trainer per
 * job folder. A resumed job whose earlier session's command had finished
 * with a usable output (`earlierRun`) is not run again: its progress lines
 * are replayed (the losses it reported) and its output imported. Otherwise
 * the command runs again in the same folder, and `onNotice` says why.
 *
 * Throws TrainingError (command_failed, command_timeout, command_no_output,
 * command_still_running, cancelled, engine_mismatch).
 */
export async function trainWithCommand(options: TrainWithCommandOptions): Promise<TrainedWithCommand> {
  const epochs = options.hyperparameters.epochs;
  await stopEarlierSidecar(options.jobDir, options.onNotice ? { onNotice: options.onNotice } : {});
  const earlier = await earlierRun(options.jobDir, epochs, options.base.gguf);
  let job: SidecarJob;
  let output: SidecarOutput;
  if (earlier.finished) {
    options.onNotice?.(
      `the trainer command had finished before this job stopped: importing ${earlier.output.path} without running it again`,
    );
    job = earlier.job;
    const onLine = followLines(job, options);
    for (const line of earlier.lines) if (line.type !== "progress") await onLine(line);
    output = earlier.output;
  } else {
    if (earlier.why) options.onNotice?.(`running the trainer command again from its start: ${earlier.why}`);
    job = await writeSidecarJob(options.jobDir, options);
    await runSidecarCommand({
      command: options.command,
      jobDir: options.jobDir,
      progressFile: job.progress,
      progressTimeoutMs: options.progressTimeoutMs,
      onLine: followLines(job, options),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await markCommandExited(job);
    output = await checkSidecarOutput(job.output, options.base.gguf);
  }
  const file = await placeSidecarOutput(output, options.out);
  return output.kind === "model"
    ? { parameters: output.parameters }
    : { parameters: 0, adapter: { file, facts: output.facts } };
}

/** Turns the sidecar's progress lines into the built-in engine's events and epochs. */
function followLines(
  job: SidecarJob,
  options: TrainWithCommandOptions,
): (line: SidecarProgressLine) => Promise<void> {
  let epochStarted = performance.now();
  return async (line) => {
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
}
