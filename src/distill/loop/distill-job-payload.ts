/**
 * The distillation loop as a job in the store's job table (kind `distill`,
 * beside `synth`, `train` and `eval`): what was asked (`payload`, fixed when
 * queued) and how far it got (`checkpoint`: the stage it is in and the ids of
 * the sub-jobs it started, so a resumed loop resumes the sub-job in flight
 * instead of starting it over). The loop's own work is small; the sub-jobs
 * hold theirs in their own checkpoints.
 */
import { z } from "zod";

export const DISTILL_JOB_KIND = "distill";

/** The stages in order; `done` once the last has run, whether or not the student was promoted. */
export const DISTILL_STAGES = ["synth", "freeze", "train", "eval", "promote"] as const;
export type DistillStage = (typeof DISTILL_STAGES)[number];

/** Fewest rows a loop asks for: a tenth is held out as the test split the student is evaluated on. */
export const MIN_DISTILL_ROWS = 10;

export const distillJobPayloadSchema = z
  .object({
    agent: z.object({ id: z.string(), name: z.string() }).strict(),
    teacher: z.string().min(1),
    /** Judges the synthetic rows and the evaluation; null: no row filter, and the teacher judges the evaluation. */
    judge: z.string().min(1).nullable(),
    /** The base the student is trained from (a catalog name or a .gguf path). */
    base: z.string().min(1),
    /** The student's catalog name. */
    student: z.string().min(1),
    rows: z.int().min(MIN_DISTILL_ROWS),
    /** Null: the training's own defaults. */
    epochs: z.int().min(1).nullable(),
    contextLength: z.int().min(1).nullable(),
    repeats: z.int().min(1),
    maxTokens: z.int().min(1).nullable(),
    seed: z.int().min(0),
    allowLicense: z.string().nullable(),
    /** Who started the loop: recorded with the promotion. */
    actor: z.string().min(1),
    /** The first stage's job, queued with the loop so its checks (knowledge, licence) run before anything is stored. */
    synthJobId: z.string().min(1),
  })
  .strict();
export type DistillJobPayload = z.infer<typeof distillJobPayloadSchema>;

export const distillCheckpointSchema = z
  .object({
    stage: z.enum([...DISTILL_STAGES, "done"]),
    /** The sub-jobs started so far (null: not yet). */
    jobs: z.object({ synth: z.string(), train: z.string().nullable(), eval: z.string().nullable() }).strict(),
    /** The dataset version the synthetic-data job made (frozen by the second stage). */
    dataset: z
      .object({ id: z.string(), name: z.string(), version: z.int().min(1) })
      .strict()
      .nullable(),
    scorecardId: z.string().nullable(),
    /** The gate as the promotion stage checked it. */
    gate: z
      .object({ passed: z.boolean(), failures: z.array(z.string()) })
      .strict()
      .nullable(),
    /** The promotion's change number on the agent; null when not promoted. */
    promotion: z.object({ id: z.string(), seq: z.int() }).strict().nullable(),
    /** Sessions that claimed the loop (the first run and each resume). */
    sessions: z.int().min(0),
  })
  .strict();
export type DistillCheckpoint = z.infer<typeof distillCheckpointSchema>;

/** The loop's checkpoint; the first stage's for a loop that never ran. */
export function readDistillCheckpoint(value: unknown, payload: DistillJobPayload): DistillCheckpoint {
  const parsed = distillCheckpointSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return {
    stage: "synth",
    jobs: { synth: payload.synthJobId, train: null, eval: null },
    dataset: null,
    scorecardId: null,
    gate: null,
    promotion: null,
    sessions: 0,
  };
}

/** 1-based position of a stage, for "stage 3/5". */
export function stageNumber(stage: DistillStage): number {
  return DISTILL_STAGES.indexOf(stage) + 1;
}
