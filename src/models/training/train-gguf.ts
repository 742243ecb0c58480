import { mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type EpochMetrics, type TrainerEvent, TrainingError } from "../../spec/students.js";
import { checkTrainingInput, type TrainingInput } from "./check-training-input.js";
import { placeFile } from "./place-file.js";
import { runTrainWorker } from "./run-train-worker.js";
import type { TrainJob } from "./train-job.js";
import { transplantTensors } from "./transplant-tensors.js";

export interface TrainCheckpoint {
  /** Epochs done. */
  epoch: number;
  /** A whole GGUF: the base with the weights after `epoch` epochs (metadata and chat template kept). */
  file: string;
}

export interface TrainGgufOptions extends TrainingInput {
  epochs: number;
  learningRate: number;
  threads: number;
  /** Where the trained GGUF appears, whole, or not at all. */
  out: string;
  /** The run's own folder (windows, job, checkpoints): kept for a resume; the caller removes it when done. */
  workDir: string;
  /** Go on after this checkpoint (written by an earlier run into the same `workDir`). */
  resume?: TrainCheckpoint;
  /**
   * Told of each epoch's checkpoint once it is whole on disk. The previous
   * checkpoint file is deleted only after this resolves: a caller that records
   * the checkpoint here always names a file that exists. Throwing stops the run.
   */
  onCheckpoint?: (checkpoint: TrainCheckpoint, metrics: EpochMetrics) => Promise<void>;
  onEvent?: (event: TrainerEvent) => void;
  signal?: AbortSignal;
}

export interface TrainGgufResult {
  contextLength: number;
  parameters: number;
  tokens: { train: number; validation: number };
  windows: { train: number; validation: number };
  unmaskable: number;
  /** Before any training; NaN when this run resumed (the first run measured it). */
  baseValidationLoss: number;
  baseAssistantValidationLoss: number | null;
  /** The epochs this run trained. */
  epochs: EpochMetrics[];
  seconds: number;
}

/**
 * Full fine-tuning of a GGUF with llama.cpp's own trainer (AdamW), in a child
 * process. Every precondition is checked here, before native code runs: an F32
 * base with a chat template, at least one window of training and of validation
 * tokens, enough memory. Then: render and pack (`prepareWindows`), measure the
 * base's validation loss, train epoch by epoch, each epoch's weights
 * transplanted into a copy of the base (`epoch-N.gguf` in `workDir`: a
 * checkpoint), and the last checkpoint placed at `out` atomically.
 *
 * A resumed run starts from `resume.file` at epoch `resume.epoch + 1` with
 * AdamW's moments at zero (llama.cpp cannot save them).
 *
 * Throws TrainingError (base_not_trainable, base_no_chat_template,
 * too_little_data, not_enough_memory, engine_mismatch, engine_failed, cancelled).
 */
export async function trainGguf(options: TrainGgufOptions): Promise<TrainGgufResult> {
  const started = performance.now();
  const { base, prepared } = await checkTrainingInput(options);
  await mkdir(options.workDir, { recursive: true });
  const files = await prepared.write(options.workDir);

  const result: TrainGgufResult = {
    contextLength: prepared.length,
    parameters: base.parameterCount,
    tokens: prepared.tokens,
    windows: prepared.windows,
    unmaskable: prepared.unmaskable,
    baseValidationLoss: Number.NaN,
    baseAssistantValidationLoss: null,
    epochs: [],
    seconds: 0,
  };
  let last = options.resume;
  if (last === undefined || last.epoch < options.epochs) {
    const job: TrainJob = {
      weights: last?.file ?? base.path,
      ...files,
      maskTraining: options.lossOn === "assistant",
      contextLength: prepared.length,
      firstEpoch: (last?.epoch ?? 0) + 1,
      epochs: options.epochs,
      learningRate: options.learningRate,
      threads: options.threads,
      measureBase: last === undefined,
      checkpointDir: options.workDir,
    };
    const jobPath = join(options.workDir, "job.json");
    await writeFile(jobPath, JSON.stringify(job));
    await runTrainWorker(jobPath, {
      signal: options.signal,
      onEvent: async (event) => {
        if (event.type === "ready") result.parameters = event.parameters;
        if (event.type === "base") {
          result.baseValidationLoss = event.validationLoss;
          result.baseAssistantValidationLoss = event.assistantValidationLoss;
        }
        options.onEvent?.(event);
        if (event.type !== "epoch") return;
        const checkpoint = {
          epoch: event.metrics.epoch,
          file: join(options.workDir, `epoch-${event.metrics.epoch}.gguf`),
        };
        await transplantTensors(base, event.weights, checkpoint.file);
        await unlink(event.weights);
        result.epochs.push(event.metrics);
        await options.onCheckpoint?.(checkpoint, event.metrics);
        if (last && last.file !== checkpoint.file) await unlink(last.file).catch(() => undefined);
        last = checkpoint;
      },
    });
  }
  if (last === undefined) throw new TrainingError("engine_failed", "training ended with no checkpoint");
  await placeFile(last.file, options.out);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
