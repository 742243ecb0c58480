import { z } from "zod";
import {
  DISTILL_JOB_KIND,
  distillJobPayloadSchema,
  readDistillCheckpoint,
} from "../../distill/loop/distill-job-payload.js";
import type { Job } from "../../spec/store.js";
import { isoTime } from "./api-schemas.js";

/** The job kinds of distillation: the loop, and the stages it runs as their own jobs. */
export const distillKinds = [DISTILL_JOB_KIND, "synth", "train", "eval"] as const;

export const distillLoopSchema = z
  .object({
    stage: z.string().meta({ description: "`synth`, `freeze`, `train`, `eval`, `promote` or `done`" }),
    agent: z.string(),
    teacher: z.string(),
    base: z.string(),
    student: z.string(),
    rows: z.int(),
    jobs: z.object({ synth: z.string(), train: z.string().nullable(), eval: z.string().nullable() }),
    dataset: z.object({ name: z.string(), version: z.int() }).nullable(),
    scorecardId: z.string().nullable(),
    gate: z
      .object({ passed: z.boolean(), failures: z.array(z.string()) })
      .nullable()
      .meta({ description: "The deploy gate's verdict as the promotion stage checked it; null before" }),
    promoted: z.boolean(),
  })
  .meta({ id: "DistillLoop" });

export const distillJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(distillKinds),
    status: z.enum(["queued", "running", "paused", "succeeded", "failed", "cancelled"]),
    progress: z.number().meta({ description: "0..1" }),
    error: z.string().nullable(),
    attempts: z.int(),
    loop: distillLoopSchema.nullable().meta({ description: "For a `distill` job: the loop's stages" }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "DistillJob" });

/** A job as the console lists it (the loop's view for a `distill` job). */
export function toDistillJob(job: Job) {
  return {
    id: job.id,
    kind: job.kind as (typeof distillKinds)[number],
    status: job.status,
    progress: job.progress,
    error: job.error,
    attempts: job.attempts,
    loop: job.kind === DISTILL_JOB_KIND ? loopOf(job) : null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

/** The loop's view; null for a payload this version cannot read (written by a newer one). */
function loopOf(job: Job): z.input<typeof distillLoopSchema> | null {
  const parsed = distillJobPayloadSchema.safeParse(job.payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const ck = readDistillCheckpoint(job.checkpoint, p);
  return {
    stage: ck.stage,
    agent: p.agent.name,
    teacher: p.teacher,
    base: p.base,
    student: p.student,
    rows: p.rows,
    jobs: ck.jobs,
    dataset: ck.dataset ? { name: ck.dataset.name, version: ck.dataset.version } : null,
    scorecardId: ck.scorecardId,
    gate: ck.gate,
    promoted: ck.promotion !== null,
  };
}
