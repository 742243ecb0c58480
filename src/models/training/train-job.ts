/**
 * What the training child process is asked to do: written by the parent as
 * `job.json` in the run folder, read and validated by the child. Token windows
 * travel as raw little-endian int32 files (`windows × (contextLength + 1)`).
 */
import { z } from "zod";

export const trainJobSchema = z
  .object({
    /** The base GGUF (F32 matrices), read only. */
    base: z.string().min(1),
    trainWindows: z.string().min(1),
    validationWindows: z.string().min(1),
    contextLength: z.int().min(256).multipleOf(256),
    epochs: z.int().min(1),
    learningRate: z.number().positive(),
    threads: z.int().min(1),
    /** Where `llama_model_save_to_file` writes the trained model (its metadata is not kept: see transplant). */
    out: z.string().min(1),
  })
  .strict();
export type TrainJob = z.infer<typeof trainJobSchema>;
