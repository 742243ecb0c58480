/**
 * What one evaluation task stores (a replayed turn, both models, judged and
 * scored): everything the scorecard is built from, so a resumed job and a
 * rebuilt scorecard need no model call. zod, because it comes back from the store.
 */
import { z } from "zod";
import { judgementSchema } from "../../spec/distill.js";

const tokens = z.object({ inputTokens: z.int().min(0), outputTokens: z.int().min(0) }).strict();

export const answerScoreSchema = z
  .object({
    /** False when the turn failed after every attempt; `error` says why. */
    ok: z.boolean(),
    error: z.string().nullable(),
    text: z.string(),
    mode: z.string().nullable(),
    calls: z.array(z.object({ name: z.string(), input: z.unknown() }).strict()),
    tools: z
      .object({
        decision: z.boolean(),
        rightTool: z.boolean().nullable(),
        argumentsEqual: z.boolean().nullable(),
        correct: z.boolean(),
      })
      .strict(),
    citations: z.object({ valid: z.boolean().nullable(), invalidIds: z.int().min(0) }).strict(),
    handedOff: z.boolean(),
    refused: z.boolean(),
    /** The judge's rubric; null when it gave no verdict in the rubric's shape (unknown) or the turn failed. */
    rubric: judgementSchema.omit({ rationale: true }).nullable(),
    /** The judge's rationale, or why there is no verdict. */
    rubricDetail: z.string().nullable(),
    usage: tokens,
    latencyMs: z.number().min(0),
    /** Mean probability of the tokens the model chose (calibrates routing); null or absent when unknown. */
    tokenConfidence: z.number().min(0).max(1).nullable().optional(),
  })
  .strict();
export type AnswerScore = z.infer<typeof answerScoreSchema>;

export const evalTaskResultSchema = z
  .object({
    rowKey: z.string(),
    turn: z.int().min(0),
    repeat: z.int().min(0),
    candidate: answerScoreSchema,
    reference: answerScoreSchema,
    pair: z
      .object({
        outcome: z.enum(["win", "tie", "loss", "unknown"]),
        verdicts: z.array(z.enum(["candidate", "reference", "tie", "unknown"])),
      })
      .strict(),
    /** The candidate did as the reference did in this replay. */
    agreement: z.object({ toolCalls: z.boolean(), handoff: z.boolean(), refusal: z.boolean() }).strict(),
    judgeUsage: tokens,
  })
  .strict();
export type EvalTaskResult = z.infer<typeof evalTaskResultSchema>;

/**
 * An answer's rubric as one number, 1..5: the mean of its four criteria. An
 * unknown verdict counts as 1, the lowest (an unknown never helps).
 */
export function answerRubric(answer: AnswerScore): number {
  const r = answer.rubric;
  return r ? (r.groundedness + r.helpfulness + r.policy + r.languageMatch) / 4 : 1;
}
