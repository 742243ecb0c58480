/**
 * What a synthetic-data job (`jobs` row of kind `synth`) carries: its payload,
 * written once when it is enqueued and read by every worker that runs it, and
 * its checkpoint, rewritten after every row. Both are zod schemas because
 * they cross the store boundary as JSON.
 */
import { z } from "zod";
import { judgeThresholdsSchema } from "../judge/judge-thresholds.js";

export const SYNTH_JOB_KIND = "synth";
/** Largest `count` one job may ask for. */
export const MAX_SYNTH_COUNT = 100_000;

const tokens = z.object({ inputTokens: z.int().min(0), outputTokens: z.int().min(0) }).strict();

export const synthLicenseSchema = z
  .object({
    /** The teacher's licence id as the catalog has it; null when unknown. */
    licenseId: z.string().nullable(),
    outputsMayTrain: z.boolean().nullable(),
    conditions: z.string().nullable(),
    /** The licence id the person explicitly allowed (`--allow-license`) although it forbids training. */
    override: z.string().nullable(),
  })
  .strict();
export type SynthLicense = z.infer<typeof synthLicenseSchema>;

export const synthJobPayloadSchema = z
  .object({
    agent: z.object({ id: z.string().min(1), name: z.string().min(1) }).strict(),
    teacher: z.string().min(1),
    judge: z.string().min(1).nullable(),
    count: z.int().min(1).max(MAX_SYNTH_COUNT),
    languages: z.array(z.string().regex(/^[a-z]{2}$/)).min(1),
    seed: z.int().min(0),
    concurrency: z.int().min(1).max(256),
    /** Attempts per task for retryable failures (429, 5xx, timeouts) before the row is dropped. */
    maxAttempts: z.int().min(1).max(20),
    /** Longest one model call may take, in ms, before it is abandoned (and retried). */
    callTimeoutMs: z.int().min(100),
    /** Most tokens one model call may generate; null: the steps' own defaults. */
    maxTokens: z.int().min(1).nullable(),
    /** Near-duplicate removal after generation (MinHash/LSH). */
    dedup: z.boolean(),
    /** The judge's minimum scores (1–5); rows under any are dropped. Absent in jobs made before it: the defaults. */
    thresholds: judgeThresholdsSchema.optional(),
    license: synthLicenseSchema,
    /** The dataset made from the kept rows when the job succeeds: its name and split shares. */
    dataset: z
      .object({
        /** As the store allows: 1–64 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit. */
        name: z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9._-]{0,63}$/,
            "use 1-64 of a-z, 0-9, . _ -, starting with a letter or digit",
          ),
        validation: z.number().min(0).max(0.5),
        test: z.number().min(0).max(0.5),
      })
      .strict(),
  })
  .strict();
export type SynthJobPayload = z.infer<typeof synthJobPayloadSchema>;

export const synthCheckpointSchema = z
  .object({
    phase: z.enum(["planning", "generating", "finishing", "done"]),
    planned: z.int().min(0),
    rows: z.int().min(0),
    kept: z.int().min(0),
    dropped: z.int().min(0),
    usage: z.object({ teacher: tokens, judge: tokens }).strict(),
    /** US dollars, from the catalog's prices; null when a model has no price. */
    costUsd: z.number().nullable(),
    /** Wall time spent running, summed over every worker session, in ms. */
    elapsedMs: z.number().min(0),
    sessions: z.int().min(0),
    /** The dataset made when the job succeeded. */
    datasetId: z.string().nullable(),
  })
  .strict();
export type SynthCheckpoint = z.infer<typeof synthCheckpointSchema>;

/** The checkpoint of a job no worker has touched yet. */
export function emptySynthCheckpoint(): SynthCheckpoint {
  const zero = { inputTokens: 0, outputTokens: 0 };
  return {
    phase: "planning",
    planned: 0,
    rows: 0,
    kept: 0,
    dropped: 0,
    usage: { teacher: { ...zero }, judge: { ...zero } },
    costUsd: null,
    elapsedMs: 0,
    sessions: 0,
    datasetId: null,
  };
}

/** A job's checkpoint, or the empty one when it has none (or one from an older shape). */
export function readSynthCheckpoint(value: unknown): SynthCheckpoint {
  const parsed = synthCheckpointSchema.safeParse(value);
  return parsed.success ? parsed.data : emptySynthCheckpoint();
}
