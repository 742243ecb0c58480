/**
 * The judge step: scores a kept row on the rubric (judge-rubric.ts) with
 * structured output, validated, then applies the thresholds. Returns the row
 * with its `judgement`, and `dropped`/`dropDetail` when a score is under its
 * threshold. A judge whose answer never matches the rubric's schema does not
 * throw: the row comes back dropped as `judge_failed` (the teacher's row may
 * be fine; `invalid_output` stays the teacher's count). Rows already
 * dropped, and calls without a judge model, are returned unchanged.
 */
import { z } from "zod";
import { generateStructured } from "../../models/structured/generate-structured.js";
import { type Judgement, judgementSchema, type SynthRow } from "../../spec/distill.js";
import { type JudgeRow, type SynthContext, taskSeed } from "../pipeline/synth-step.js";
import { judgePrompt, judgeSystem } from "./judge-rubric.js";
import { defaultJudgeThresholds, type JudgeThresholds, verdict } from "./judge-thresholds.js";

export interface JudgeOptions {
  thresholds?: JudgeThresholds;
  /** Most tokens of the verdict. Default 400. */
  maxOutputTokens?: number;
  /** Structured attempts before the row is dropped. Default 2. */
  attempts?: number;
}

export function createJudgeRow(options: JudgeOptions = {}): JudgeRow {
  return (ctx, row) => judgeRow(ctx, row, options);
}

export async function judgeRow(
  ctx: SynthContext,
  row: SynthRow,
  options: JudgeOptions = {},
): Promise<SynthRow> {
  if (!ctx.judge || row.dropped !== null) return row;
  const chunks = row.messages.some((m) => m.role === "system")
    ? []
    : await ctx.store.knowledge.getChunks(ctx.tenantId, row.provenance.chunkIds);
  const result = await generateStructured({
    model: ctx.judge,
    schema: verdictSchema,
    system: judgeSystem,
    messages: [{ role: "user", content: judgePrompt(row, chunks) }],
    maxOutputTokens: options.maxOutputTokens ?? 400,
    temperature: 0,
    seed: taskSeed(ctx.seed, row.key, 1),
    signal: ctx.signal,
    attempts: options.attempts ?? 2,
  });
  if (!result.ok)
    return { ...row, dropped: "judge_failed", dropDetail: `the judge's verdict: ${result.detail}` };
  const judgement: Judgement = judgementSchema.parse({
    ...result.value,
    rationale: result.value.rationale.slice(0, 600),
  });
  const drop = verdict(judgement, options.thresholds ?? defaultJudgeThresholds);
  return drop
    ? { ...row, judgement, dropped: drop.reason, dropDetail: drop.detail.slice(0, 1000) }
    : { ...row, judgement };
}

/** What the judge is asked for; a rationale over 600 characters is cut rather than refused. */
const verdictSchema = z
  .object({
    groundedness: z.int().min(1).max(5),
    helpfulness: z.int().min(1).max(5),
    policy: z.int().min(1).max(5),
    languageMatch: z.int().min(1).max(5),
    rationale: z.string().max(2000),
  })
  .strict();
