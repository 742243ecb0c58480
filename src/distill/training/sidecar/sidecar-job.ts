/**
 * The trainer sidecar's contract (`--engine command`): what Alambique writes
 * in the job folder for the operator's command (`job.json`), and what the
 * command appends to the progress file (one JSON object a line). Both sides
 * validate with these schemas: Alambique's `students sidecar-train` is a
 * command like any other.
 *
 * Job folder: `job.json`, `train.jsonl` and `validation.jsonl` (OpenAI chat
 * rows: `{"messages": [...]}`, tool calls included), `axolotl.yaml` and
 * `trl_sft.py` (ready configs for LoRA/QLoRA), `progress.jsonl` (empty, the
 * command appends), and `output/` where the command leaves its GGUF (a whole
 * model, or a LoRA adapter).
 */
import { z } from "zod";
import { parseJsonAs } from "../../../models/training/parse-json-as.js";
import { trainingHyperparametersSchema } from "../../../spec/students.js";

export const SIDECAR_JOB_VERSION = 1;

export const sidecarJobSchema = z
  .object({
    version: z.literal(SIDECAR_JOB_VERSION),
    /** The student's catalog name (informative: paths below are what to use). */
    name: z.string(),
    base: z
      .object({
        /** The catalog name, or the GGUF path it was given as. */
        name: z.string(),
        /** The base as a GGUF file on this machine. */
        gguf: z.string(),
        /** `OWNER/REPO` on Hugging Face when the catalog knows it (for trainers that start from HF weights). */
        huggingFace: z.string().nullable(),
      })
      .strict(),
    dataset: z.object({ name: z.string(), version: z.int().min(1), sha256: z.string().nullable() }).strict(),
    /** Paths, absolute: the OpenAI chat JSONL splits. */
    train: z.string(),
    validation: z.string(),
    hyperparameters: trainingHyperparametersSchema,
    /** Suggested LoRA settings, used by the ready configs. */
    lora: z.object({ r: z.int().min(1), alpha: z.int().min(1), dropout: z.number().min(0) }).strict(),
    /** The file the command appends progress lines to (`sidecarProgressLineSchema`). */
    progress: z.string(),
    output: z
      .object({
        /** Where the command leaves the trained model: one whole GGUF, with the base's chat template. */
        model: z.string(),
        /**
         * Or, instead, where it leaves a GGUF LoRA adapter for `base.gguf`
         * (llama.cpp's convert_lora_to_gguf.py): the student is then the base
         * served with it applied. `model` wins when both are there.
         */
        adapter: z.string(),
        /** Accepted formats, in order of preference: `gguf` at `model`, `gguf-lora` at `adapter`. */
        formats: z.array(z.enum(["gguf", "gguf-lora"])),
      })
      .strict(),
  })
  .strict();
export type SidecarJob = z.infer<typeof sidecarJobSchema>;

/**
 * A line of the progress file. `progress` within an epoch (step of steps,
 * the loss at that step, tokens/s); `base` once, the base's validation loss
 * before training; `epoch` at each epoch's end with its losses. Only
 * `progress` lines are needed; without `epoch` lines the student records no
 * losses. Unknown keys are ignored (trainers add their own).
 */
export const sidecarProgressLineSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("progress"),
    epoch: z.int().min(1),
    step: z.int().min(0),
    steps: z.int().min(1),
    loss: z.number().nullable().optional(),
    tokensPerSecond: z.number().min(0).optional(),
  }),
  z.object({ type: z.literal("base"), validationLoss: z.number() }),
  z.object({
    type: z.literal("epoch"),
    epoch: z.int().min(1),
    trainLoss: z.number(),
    validationLoss: z.number(),
    assistantValidationLoss: z.number().nullable().optional(),
    wholeValidationLoss: z.number().optional(),
    tokensPerSecond: z.number().min(0).optional(),
    seconds: z.number().min(0).optional(),
  }),
]);
export type SidecarProgressLine = z.infer<typeof sidecarProgressLineSchema>;

/**
 * One line of the progress file as the contract reads it; undefined for a
 * line that is not JSON or not a progress line (trainers print other things:
 * it is skipped, never fatal).
 */
export function parseProgressLine(text: string): SidecarProgressLine | undefined {
  const parsed = parseJsonAs(sidecarProgressLineSchema, text);
  return parsed.success ? parsed.data : undefined;
}
