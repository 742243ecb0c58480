import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { freemem } from "node:os";
import { join } from "node:path";
import type { TrainingMessage } from "../../spec/distill.js";
import { type EpochMetrics, type TrainerEvent, TrainingError } from "../../spec/students.js";
import { packWindows, windowLength } from "./pack-windows.js";
import { renderConversations } from "./render-conversations.js";
import { runTrainWorker } from "./run-train-worker.js";
import type { TrainJob } from "./train-job.js";
import { estimateTrainingBytes, readTrainableBase } from "./trainable-base.js";
import { transplantTensors } from "./transplant-tensors.js";

export interface TrainGgufOptions {
  /** The base GGUF: F32 matrices and a chat template. */
  base: string;
  train: readonly (readonly TrainingMessage[])[];
  validation: readonly (readonly TrainingMessage[])[];
  epochs: number;
  learningRate: number;
  /** Tokens per window; rounded up to a multiple of 256. */
  contextLength: number;
  threads: number;
  /** Where the trained GGUF appears, whole, or not at all. */
  out: string;
  /** A folder for the run's scratch files (a temporary one when absent); emptied at the end. */
  workDir?: string;
  onEvent?: (event: TrainerEvent) => void;
  signal?: AbortSignal;
  /** Bytes of memory the run may use. Default: the free memory now. */
  availableBytes?: number;
}

export interface TrainGgufResult {
  contextLength: number;
  parameters: number;
  tokens: { train: number; validation: number };
  windows: { train: number; validation: number };
  baseValidationLoss: number;
  epochs: EpochMetrics[];
  seconds: number;
}

/**
 * Full fine-tuning of a GGUF with llama.cpp's own trainer (AdamW, loss on
 * every token of each conversation), in a child process. Every precondition
 * is checked here, before native code runs: an F32 base with a chat template,
 * at least one window of training and of validation tokens, enough memory.
 * Then: render with the base's chat template, pack into windows (training
 * windows overlap by half, as llama.cpp's finetune does; validation windows do
 * not), measure the base's validation loss, train, and transplant the trained
 * tensors into a copy of the base written atomically to `out`.
 *
 * Throws TrainingError (base_not_trainable, base_no_chat_template,
 * too_little_data, not_enough_memory, engine_mismatch, engine_failed, cancelled).
 */
export async function trainGguf(options: TrainGgufOptions): Promise<TrainGgufResult> {
  const started = performance.now();
  const base = await readTrainableBase(options.base);
  const length = windowLength(options.contextLength);

  const [train, validation] = await Promise.all([
    renderConversations(options.base, options.train),
    renderConversations(options.base, options.validation),
  ]);
  const trainWindows = packWindows(train, length, length / 2);
  const validationWindows = packWindows(validation, length, length);
  for (const [what, packed] of [
    ["training", trainWindows],
    ["validation", validationWindows],
  ] as const) {
    if (packed.count === 0) {
      throw new TrainingError(
        "too_little_data",
        `the ${what} conversations render to ${packed.tokens} tokens, fewer than one ${length}-token window (+1)`,
        {
          hint: `Add ${what} rows, or lower --ctx (windows are --ctx rounded up to a multiple of 256; 256 is the least).`,
        },
      );
    }
  }

  const needed = estimateTrainingBytes(base, length);
  const available = options.availableBytes ?? freemem();
  if (needed > available) {
    throw new TrainingError(
      "not_enough_memory",
      `training this base at ${length} tokens a window needs about ${mib(needed)} MiB; ${mib(available)} MiB are free`,
      {
        hint: "Lower --ctx, choose a smaller base, or free memory (weights, gradients and AdamW state take 16 bytes a parameter).",
      },
    );
  }

  const workDir = options.workDir ?? (await mkdtemp(join(options.out, "..", ".alambique-train-")));
  try {
    const job: TrainJob = {
      base: base.path,
      trainWindows: join(workDir, "train.i32"),
      validationWindows: join(workDir, "validation.i32"),
      contextLength: length,
      epochs: options.epochs,
      learningRate: options.learningRate,
      threads: options.threads,
      out: join(workDir, "trained.gguf"),
    };
    await writeFile(job.trainWindows, int32Bytes(trainWindows.windows));
    await writeFile(job.validationWindows, int32Bytes(validationWindows.windows));
    const jobPath = join(workDir, "job.json");
    await writeFile(jobPath, JSON.stringify(job));

    let parameters = 0;
    let baseValidationLoss = Number.NaN;
    const epochs: EpochMetrics[] = [];
    await runTrainWorker(jobPath, {
      signal: options.signal,
      onEvent: (event) => {
        if (event.type === "ready") parameters = event.parameters;
        if (event.type === "base") baseValidationLoss = event.validationLoss;
        if (event.type === "epoch") epochs.push(event.metrics);
        options.onEvent?.(event);
      },
    });
    await transplantTensors(base, job.out, options.out);
    return {
      contextLength: length,
      parameters,
      tokens: { train: trainWindows.tokens, validation: validationWindows.tokens },
      windows: { train: trainWindows.count, validation: validationWindows.count },
      baseValidationLoss,
      epochs,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function int32Bytes(values: Int32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
