/**
 * Students: small models trained from a frozen dataset on a base model. What a
 * student records about itself (its provenance, kept in the catalog record's
 * `metadata.student`), what a training engine reports while it runs, and the
 * errors training raises. zod schemas, because these cross process boundaries
 * (the trainer's child process) and the store.
 */
import { z } from "zod";
import { AlambiqueError, errorMarker, hasErrorMarker } from "./errors.js";

export const trainingHyperparametersSchema = z
  .object({
    epochs: z.int().min(1),
    /** AdamW step size. */
    learningRate: z.number().positive(),
    /** Tokens per training window: the context asked for, rounded up to a multiple of 256. */
    contextLength: z.int().min(256),
    threads: z.int().min(1),
    optimizer: z.literal("adamw"),
    /**
     * What the loss is computed on: the assistant's tokens only (the system
     * prompt, the customer and tool results are context, masked out of the
     * gradient), or every token of each rendered conversation.
     */
    lossOn: z.enum(["assistant", "whole-conversation"]),
  })
  .strict();
export type TrainingHyperparameters = z.infer<typeof trainingHyperparametersSchema>;

/** One epoch's losses, in nats per token (mean next-token cross-entropy). */
export const epochMetricsSchema = z
  .object({
    epoch: z.int().min(1),
    /** On the tokens `lossOn` names. */
    trainLoss: z.number(),
    /** On the tokens `lossOn` names. */
    validationLoss: z.number(),
    /** On the assistant's tokens only, whatever `lossOn` is: comparable between runs with and without masking. */
    assistantValidationLoss: z.number().nullable(),
    /** On every label of the validation windows, whatever `lossOn` is. */
    wholeValidationLoss: z.number(),
    /** Training tokens per second of wall time (the validation pass not counted). */
    tokensPerSecond: z.number().min(0),
    seconds: z.number().min(0),
  })
  .strict();
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

/** The licence a student carries: its base's, with the conditions of the base's and the teacher's terms. */
export const studentLicenseSchema = z
  .object({
    /** The base's licence id (a fine-tune is a derivative of its base); null when unknown. */
    id: z.string().nullable(),
    url: z.string().nullable(),
    /** What the base's and the teacher's licences ask of this model, each naming its licence. */
    conditions: z.array(z.string()),
    /** Notices to show with the model, e.g. "Built with Llama". */
    attribution: z.array(z.string()),
    /** A licence id the person allowed past a refusal with --allow-license, recorded. */
    override: z.string().nullable(),
  })
  .strict();
export type StudentLicense = z.infer<typeof studentLicenseSchema>;

/**
 * A student that is a GGUF LoRA adapter served on its base (llama.cpp applies
 * it when the base's context is created): W' = W + scale * alpha / rank * B·A.
 */
export const studentAdapterSchema = z
  .object({
    /** The adapter GGUF in the catalog's folder (the record's `source` is the base's GGUF). */
    file: z.string(),
    /** SHA-256 of the adapter GGUF. */
    sha256: z.string(),
    /** The rank of its pairs (the largest, when they differ). */
    rank: z.int().min(1),
    /** `adapter.lora.alpha`; null when the file has none (llama.cpp then applies `scale` alone). */
    alpha: z.number().nullable(),
    /** Adapted weight matrices (lora_a/lora_b pairs). */
    tensors: z.int().min(1),
    /** Strength it is served at; 1 applies it as trained. */
    scale: z.number(),
  })
  .strict();
export type StudentAdapter = z.infer<typeof studentAdapterSchema>;

/** The student's provenance: `ModelRecord.metadata.student`. */
export const studentProvenanceSchema = z
  .object({
    base: z.object({ name: z.string(), file: z.string(), licenseId: z.string().nullable() }).strict(),
    dataset: z
      .object({
        name: z.string(),
        version: z.int().min(1),
        sha256: z.string().nullable(),
        teacher: z
          .object({
            name: z.string(),
            licenseId: z.string().nullable(),
            licenseOverride: z.string().optional(),
          })
          .strict(),
        judge: z.object({ name: z.string(), licenseId: z.string().nullable() }).strict().nullable(),
        /** Which split the validation loss was measured on. */
        validationSplit: z.enum(["validation", "test", "held-out-train"]),
        rows: z.object({ train: z.int().min(0), validation: z.int().min(0) }).strict(),
        tokens: z.object({ train: z.int().min(0), validation: z.int().min(0) }).strict(),
        /** Conversations whose assistant turns could not be located (trained on nothing when lossOn is assistant). */
        unmaskable: z.int().min(0),
      })
      .strict(),
    /** `builtin`: llama.cpp's trainer here; `command`: the operator's trainer sidecar (`training.command`). */
    engine: z.enum(["builtin", "command"]),
    engineVersion: z.string(),
    /** The sidecar's argv as configured (placeholders unexpanded); absent for the built-in engine. */
    command: z.array(z.string()).optional(),
    /** Present when the trained GGUF was quantized (`--quantize`) before it entered the catalog. */
    quantization: z
      .object({
        type: z.enum(["q8_0", "q4_k_m"]),
        /** Bytes of the GGUF before and after. */
        bytesBefore: z.int().min(0),
        bytesAfter: z.int().min(0),
        /** SHA-256 of the unquantized GGUF. */
        sourceSha256: z.string(),
      })
      .strict()
      .optional(),
    /** Present when the trainer sidecar left a LoRA adapter: the student is the base with it applied. */
    adapter: studentAdapterSchema.optional(),
    hyperparameters: trainingHyperparametersSchema,
    metrics: z
      .object({
        /** After the last epoch; null when a sidecar reported none. */
        validationLoss: z.number().nullable(),
        /** The base model's, on the same validation windows, before any training; null when a sidecar reported none. */
        baseValidationLoss: z.number().nullable(),
        baseAssistantValidationLoss: z.number().nullable(),
        trainLoss: z.number().nullable(),
        epochs: z.array(epochMetricsSchema),
      })
      .strict(),
    license: studentLicenseSchema,
    /** The training job (in the store's job table) that made it, and how many sessions it took (resumes + 1). */
    job: z.object({ id: z.string(), sessions: z.int().min(1) }).strict(),
    /** SHA-256 of the GGUF file as it was registered. */
    sha256: z.string(),
    /** Seconds of training over all sessions. */
    durationSeconds: z.number().min(0),
    machine: z.object({ platform: z.string(), arch: z.string(), cpus: z.int().min(0) }).strict(),
    trainedAt: z.string(),
  })
  .strict();
export type StudentProvenance = z.infer<typeof studentProvenanceSchema>;

/**
 * The provenance of a student imported as a LoRA adapter made elsewhere
 * (`students import --adapter`): `ModelRecord.metadata.student` too, told
 * apart by `engine: "import"`. What trained it is not known here; the dataset
 * is recorded when the person names it.
 */
export const importedStudentSchema = z
  .object({
    engine: z.literal("import"),
    base: z.object({ name: z.string(), file: z.string(), licenseId: z.string().nullable() }).strict(),
    adapter: studentAdapterSchema,
    /** The path it was imported from. */
    importedFrom: z.string(),
    dataset: z
      .object({ name: z.string(), version: z.int().min(1), sha256: z.string().nullable() })
      .strict()
      .nullable(),
    license: studentLicenseSchema,
    importedAt: z.string(),
  })
  .strict();
export type ImportedStudent = z.infer<typeof importedStudentSchema>;

/** What the training child process reports on its IPC channel, one message per event. */
export const trainerEventSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("ready"),
      backends: z.array(z.string()),
      parameters: z.int().min(0),
      /** The llama.cpp libraries' folder when `ALAMBIQUE_LLAMA_LIBRARIES` chose one; absent: node-llama-cpp's prebuilt. */
      libraries: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("base"),
      validationLoss: z.number(),
      assistantValidationLoss: z.number().nullable(),
    })
    .strict(),
  /** Within an epoch, after each training window. */
  z
    .object({
      type: z.literal("progress"),
      epoch: z.int().min(1),
      window: z.int().min(0),
      windows: z.int().min(1),
      tokensPerSecond: z.number().min(0),
    })
    .strict(),
  /** An epoch ended; `weights` is the trained model as `llama_model_save_to_file` wrote it (metadata not kept). */
  z.object({ type: z.literal("epoch"), metrics: epochMetricsSchema, weights: z.string() }).strict(),
  z.object({ type: z.literal("saved"), path: z.string() }).strict(),
  z.object({ type: z.literal("failed"), code: z.string(), message: z.string(), hint: z.string() }).strict(),
]);
export type TrainerEvent = z.infer<typeof trainerEventSchema>;

export type TrainingErrorReason =
  /** The dataset exists but is not frozen. */
  | "dataset_not_frozen"
  /** The base's weight matrices are not F32 (quantized or F16): llama.cpp's trainer would skip them. */
  | "base_not_trainable"
  | "base_no_chat_template"
  /** The base is not a local GGUF file. */
  | "base_not_local"
  /** Fewer tokens than one window, in the training or the validation data. */
  | "too_little_data"
  | "not_enough_memory"
  /** The engine's native library does not match the layouts this code was written for. */
  | "engine_mismatch"
  /** The training process died or reported an error. */
  | "engine_failed"
  | "cancelled"
  /** `--engine command` without `training.command` in alambique.yaml. */
  | "command_not_configured"
  /** The trainer sidecar could not start, or exited non-zero. */
  | "command_failed"
  /** The trainer sidecar reported no progress within its timeout, and was killed. */
  | "command_timeout"
  /** The trainer sidecar succeeded but left no GGUF that loads with a chat template. */
  | "command_no_output"
  /** The trainer sidecar an earlier session of the job started is still running and could not be stopped. */
  | "command_still_running"
  /** llama.cpp could not quantize the trained GGUF. */
  | "quantize_failed"
  /** A file given as a LoRA adapter is not one (not a GGUF, a whole model, no lora_a/lora_b pairs). */
  | "adapter_invalid"
  /** A LoRA adapter that does not fit its base (architecture, missing tensors, shapes). */
  | "adapter_mismatch";

const trainingMarker = errorMarker("TrainingError");

/**
 * Training could not start or did not finish. `reason` says which precondition
 * failed (the code is `training_<reason>`, its status the registry's: 400 for
 * a precondition, 507 for memory, 499 for a cancel, 500 for the engine); the
 * hint says how to fix it. Nothing is added to the catalog when this is thrown.
 */
export class TrainingError extends AlambiqueError {
  readonly [trainingMarker] = true;
  readonly reason: TrainingErrorReason;

  constructor(
    reason: TrainingErrorReason,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, {
      code: `training_${reason}`,
      retryable: false,
      hint: options.hint,
      cause: options.cause,
    });
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is TrainingError {
    return hasErrorMarker(value, trainingMarker);
  }
}
