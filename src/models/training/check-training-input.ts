import { freemem } from "node:os";
import type { TrainingMessage } from "../../spec/distill.js";
import { TrainingError } from "../../spec/students.js";
import { type PreparedWindows, prepareWindows } from "./prepare-windows.js";
import { estimateTrainingBytes, readTrainableBase, type TrainableBase } from "./trainable-base.js";

export interface TrainingInput {
  /** The base GGUF: F32 matrices and a chat template. */
  base: string;
  train: readonly (readonly TrainingMessage[])[];
  validation: readonly (readonly TrainingMessage[])[];
  /** Tokens per window; rounded up to a multiple of 256. */
  contextLength: number;
  lossOn: "assistant" | "whole-conversation";
  /** Bytes of memory the run may use. Default: the free memory now. */
  availableBytes?: number | undefined;
}

/**
 * Everything that can be checked before native code runs, in the order a
 * person would fix it: the base trains (F32 matrices, a chat template), the
 * data fills at least one window in each split (with assistant tokens when the
 * loss is on them), and the memory estimate fits. Loads the base's header and
 * vocabulary only. Returns what it read, for the run.
 *
 * Throws TrainingError (base_not_trainable, base_no_chat_template,
 * too_little_data, not_enough_memory).
 */
export async function checkTrainingInput(
  input: TrainingInput,
): Promise<{ base: TrainableBase; prepared: PreparedWindows }> {
  const base = await readTrainableBase(input.base);
  const prepared = await prepareWindows({
    base: input.base,
    train: input.train,
    validation: input.validation,
    contextLength: input.contextLength,
    assistantOnly: input.lossOn === "assistant",
  });
  const needed = estimateTrainingBytes(base, prepared.length);
  const available = input.availableBytes ?? freemem();
  if (needed > available) {
    throw new TrainingError(
      "not_enough_memory",
      `training this base at ${prepared.length} tokens a window needs about ${mib(needed)} MiB; ${mib(available)} MiB are free`,
      {
        hint: "Lower --ctx, choose a smaller base, or free memory (weights, gradients and AdamW state take 16 bytes a parameter).",
      },
    );
  }
  return { base, prepared };
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
