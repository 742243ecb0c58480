/**
 * What an evaluation job is (its payload, fixed when it is queued, so every
 * worker that runs it runs the same job) and how far it got (its checkpoint).
 */
import { z } from "zod";
import { evalGateSchema } from "../../spec/evaluation.js";
import type { JsonValue } from "../../spec/json.js";
import { judgeThresholdsSchema } from "../judge/judge-thresholds.js";

export const EVAL_JOB_KIND = "eval";
export const MAX_EVAL_REPEATS = 20;

export const evalJobPayloadSchema = z
  .object({
    agent: z.object({ id: z.string(), name: z.string() }).strict(),
    candidate: z.string().min(1),
    reference: z.string().min(1),
    /** Scores rubric and pairwise; the reference itself when none was named. */
    judge: z.string().min(1),
    dataset: z
      .object({ id: z.string(), name: z.string(), version: z.int().min(1), contentHash: z.string() })
      .strict(),
    seed: z.int().min(0),
    /** Runs of each turn per model, for pass^k. */
    repeats: z.int().min(1).max(MAX_EVAL_REPEATS),
    concurrency: z.int().min(1).max(64),
    /** Attempts of a turn or a verdict on retryable failures (429, 5xx, timeouts). */
    maxAttempts: z.int().min(1).max(10),
    callTimeoutMs: z.int().min(100),
    /** Most tokens one model call may generate (caps cost and time); null: each call's own budget. */
    maxTokens: z.int().min(1).nullable(),
    /** The gate the scorecard is checked against: the agent's when the job was queued. */
    gate: evalGateSchema,
    /** A run passes (pass^k, policy) when the judge's scores reach these minimums. */
    thresholds: judgeThresholdsSchema,
    /** The instant every replayed turn sees (business hours, expiries): the same for both models. */
    now: z.iso.datetime(),
  })
  .strict();
export type EvalJobPayload = z.infer<typeof evalJobPayloadSchema>;

export const evalCheckpointSchema = z
  .object({
    phase: z.enum(["replaying", "scoring", "done"]),
    planned: z.int().min(0),
    done: z.int().min(0),
    /** Wall time of every session so far, in ms. */
    elapsedMs: z.number().min(0),
    sessions: z.int().min(0),
    scorecardId: z.string().nullable(),
  })
  .strict();
export type EvalCheckpoint = z.infer<typeof evalCheckpointSchema>;

const empty: EvalCheckpoint = {
  phase: "replaying",
  planned: 0,
  done: 0,
  elapsedMs: 0,
  sessions: 0,
  scorecardId: null,
};

/** The job's checkpoint, or the starting one for a job never run (or one this version cannot read). */
export function readEvalCheckpoint(value: JsonValue): EvalCheckpoint {
  const parsed = evalCheckpointSchema.safeParse(value);
  return parsed.success ? parsed.data : empty;
}
