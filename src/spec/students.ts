/**
 * Students: small models trained from a frozen dataset on a base model. What a
 * student records about itself (its provenance, kept in the catalog record's
 * `metadata.student`), what a training engine reports while it runs, and the
 * errors training raises. zod schemas, because these cross process boundaries
 * (the trainer's child process) and the store.
 */
import { z } from "zod";
import { AlambiqueError } from "./errors.js";

export const trainingHyperparametersSchema = z
  .object({
    epochs: z.int().min(1),
    /** AdamW step size. */
    learningRate: z.number().positive(),
    /** Tokens per training window: the context asked for, rounded up to a multiple of 256. */
    contextLength: z.int().min(256),
    threads: z.int().min(1),
    optimizer: z.literal("adamw"),
    /** What the loss is computed on: every token of each rendered conversation (no assistant-only mask yet). */
    lossOn: z.literal("whole-conversation"),
  })
  .strict();
export type TrainingHyperparameters = z.infer<typeof trainingHyperparametersSchema>;

/** One epoch's losses, in nats per token (mean next-token cross-entropy). */
export const epochMetricsSchema = z
  .object({
    epoch: z.int().min(1),
    trainLoss: z.number(),
    validationLoss: z.number(),
    /** Training tokens per second of wall time (the validation pass not counted). */
    tokensPerSecond: z.number().min(0),
    seconds: z.number().min(0),
  })
  .strict();
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

/** The student's provenance: `ModelRecord.metadata.student`. */
export const studentProvenanceSchema = z
  .object({
    base: z.object({ name: z.string(), file: z.string(), licenseId: z.string().nullable() }).strict(),
    dataset: z
      .object({
        name: z.string(),
        version: z.int().min(1),
        sha256: z.string().nullable(),
        teacher: z.object({ name: z.string(), licenseId: z.string().nullable() }).strict(),
        judge: z.object({ name: z.string(), licenseId: z.string().nullable() }).strict().nullable(),
        /** Which split the validation loss was measured on. */
        validationSplit: z.enum(["validation", "test", "held-out-train"]),
        rows: z.object({ train: z.int().min(0), validation: z.int().min(0) }).strict(),
        tokens: z.object({ train: z.int().min(0), validation: z.int().min(0) }).strict(),
      })
      .strict(),
    engine: z.literal("builtin"),
    engineVersion: z.string(),
    hyperparameters: trainingHyperparametersSchema,
    metrics: z
      .object({
        /** After the last epoch. */
        validationLoss: z.number(),
        /** The base model's, on the same validation windows, before any training. */
        baseValidationLoss: z.number(),
        trainLoss: z.number(),
        epochs: z.array(epochMetricsSchema),
      })
      .strict(),
    durationSeconds: z.number().min(0),
    machine: z.object({ platform: z.string(), arch: z.string(), cpus: z.int().min(0) }).strict(),
    trainedAt: z.string(),
  })
  .strict();
export type StudentProvenance = z.infer<typeof studentProvenanceSchema>;

/** What the training child process reports on its IPC channel, one message per event. */
export const trainerEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), backends: z.array(z.string()), parameters: z.int().min(0) }).strict(),
  z.object({ type: z.literal("base"), validationLoss: z.number() }).strict(),
  z.object({ type: z.literal("epoch"), metrics: epochMetricsSchema }).strict(),
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
  | "cancelled";

const trainingMarker = Symbol.for("alambique.trainingError");

/**
 * Training could not start or did not finish. `reason` says which precondition
 * failed; the hint says how to fix it. Nothing is added to the catalog when
 * this is thrown.
 */
export class TrainingError extends AlambiqueError {
  readonly [trainingMarker] = true;
  readonly reason: TrainingErrorReason;

  constructor(
    reason: TrainingErrorReason,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const status =
      reason === "engine_failed" || reason === "engine_mismatch"
        ? 500
        : reason === "not_enough_memory"
          ? 507
          : reason === "cancelled"
            ? 499
            : 400;
    super(message, {
      code: `training_${reason}`,
      status,
      retryable: false,
      hint: options.hint,
      cause: options.cause,
    });
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is TrainingError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[trainingMarker] === true
    );
  }
}
