/**
 * A training job in the store's job table (kind `train`, the same table as
 * synthetic-data jobs): what to train (`payload`, decided once when queued, so
 * every session of the job trains the same student) and how far it got
 * (`checkpoint`, replaced whole at each epoch's end and every few seconds
 * within an epoch).
 */
import { dirname, join } from "node:path";
import { z } from "zod";
import {
  epochMetricsSchema,
  studentLicenseSchema,
  trainingHyperparametersSchema,
} from "../../spec/students.js";

export const STUDENT_JOB_KIND = "train";

export const studentJobPayloadSchema = z
  .object({
    /** The student's catalog name. */
    name: z.string().min(1),
    dataset: z.object({ id: z.string(), name: z.string(), version: z.int().min(1) }).strict(),
    base: z.object({ name: z.string(), path: z.string() }).strict(),
    hyperparameters: trainingHyperparametersSchema,
    license: studentLicenseSchema,
    /** Where the student's GGUF goes (absolute). */
    out: z.string().min(1),
    /** Who trains: llama.cpp here, or the operator's trainer sidecar (its argv and timeout, as configured when queued). */
    engine: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("builtin") }).strict(),
        z
          .object({
            type: z.literal("command"),
            command: z.array(z.string().min(1)).min(1),
            progressTimeoutSeconds: z.number().positive(),
          })
          .strict(),
      ])
      .default({ type: "builtin" }),
    /** Quantize the trained GGUF before it enters the catalog (`llama_model_quantize`). */
    quantize: z.enum(["q8_0", "q4_k_m"]).nullable().default(null),
  })
  .strict();
export type StudentJobPayload = z.infer<typeof studentJobPayloadSchema>;

/** The job's own folder (windows, checkpoints) beside the students: removed when the job succeeds. */
export function studentWorkDir(payload: StudentJobPayload, jobId: string): string {
  return join(dirname(payload.out), ".work", jobId);
}

export const studentCheckpointSchema = z
  .object({
    /** Epochs finished; their weights are in `file`. */
    epoch: z.int().min(0),
    /** The last finished epoch's checkpoint GGUF (the base's metadata kept); null before the first. */
    file: z.string().nullable(),
    /** Measured before the first epoch; null until then. */
    baseValidationLoss: z.number().nullable(),
    baseAssistantValidationLoss: z.number().nullable(),
    epochs: z.array(epochMetricsSchema),
    parameters: z.int().min(0),
    tokens: z.object({ train: z.int().min(0), validation: z.int().min(0) }).strict(),
    unmaskable: z.int().min(0),
    /** Milliseconds of training over every session. */
    elapsedMs: z.number().min(0),
    /** Sessions that claimed the job (the first run and each resume). */
    sessions: z.int().min(0),
    /** Where the epoch in flight is, when last reported; null between epochs. */
    inFlight: z
      .object({
        epoch: z.int().min(1),
        window: z.int().min(0),
        windows: z.int().min(1),
        tokensPerSecond: z.number().min(0),
        /** Seconds left for the whole job at this rate (training windows only). */
        etaSeconds: z.number().min(0).nullable(),
        at: z.string(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type StudentCheckpoint = z.infer<typeof studentCheckpointSchema>;

export const emptyStudentCheckpoint: StudentCheckpoint = {
  epoch: 0,
  file: null,
  baseValidationLoss: null,
  baseAssistantValidationLoss: null,
  epochs: [],
  parameters: 0,
  tokens: { train: 0, validation: 0 },
  unmaskable: 0,
  elapsedMs: 0,
  sessions: 0,
  inFlight: null,
};

/** The job's checkpoint; the empty one for a job that never ran (or an unreadable one). */
export function readStudentCheckpoint(value: unknown): StudentCheckpoint {
  const parsed = studentCheckpointSchema.safeParse(value);
  return parsed.success ? parsed.data : emptyStudentCheckpoint;
}
