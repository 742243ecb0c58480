/**
 * What the training child process is asked to do: written by the parent as
 * `job.json` in the run folder, read and validated by the child. Token windows
 * travel as raw little-endian int32 files (`windows × (contextLength + 1)`),
 * label masks as raw bytes (`windows × contextLength`, 1 = the label counts).
 */
import { z } from "zod";

export const trainJobSchema = z
  .object({
    /** The GGUF to start from, read only: the base, or the last epoch's checkpoint when resuming. */
    weights: z.string().min(1),
    trainWindows: z.string().min(1),
    validationWindows: z.string().min(1),
    /** Present: the assistant-only loss is measured on these windows (and trained on, with `maskTraining`). */
    trainMask: z.string().min(1).nullable(),
    validationMask: z.string().min(1).nullable(),
    /** Zero the gradient of every label the mask does not count (assistant-only training). */
    maskTraining: z.boolean(),
    contextLength: z.int().min(256).multipleOf(256),
    /** The first epoch to run (1, or the one after the checkpoint's). */
    firstEpoch: z.int().min(1),
    epochs: z.int().min(1),
    learningRate: z.number().positive(),
    threads: z.int().min(1),
    /** Measure the starting weights' validation loss first (only when they are the base's). */
    measureBase: z.boolean(),
    /** Where each epoch's weights are written: `epoch-N.raw.gguf` (`llama_model_save_to_file`). */
    checkpointDir: z.string().min(1),
  })
  .strict();
export type TrainJob = z.infer<typeof trainJobSchema>;

/** The file the worker writes epoch `epoch`'s weights to. */
export function rawCheckpointName(epoch: number): string {
  return `epoch-${epoch}.raw.gguf`;
}
