/**
 * Which judged rows are dropped: each score (1–5) has a minimum, and a row
 * under any of them is dropped with the reason of the first one it misses,
 * most serious first — policy, groundedness, language, helpfulness — and the
 * judge's rationale as the detail.
 */
import { z } from "zod";
import type { DropReason, Judgement } from "../../spec/distill.js";

const score = z.int().min(1).max(5);

export const judgeThresholdsSchema = z
  .object({
    groundedness: score.default(3),
    helpfulness: score.default(3),
    policy: score.default(4),
    languageMatch: score.default(4),
  })
  .strict();
export type JudgeThresholds = z.infer<typeof judgeThresholdsSchema>;

export const defaultJudgeThresholds: JudgeThresholds = judgeThresholdsSchema.parse({});

const checks: { score: keyof JudgeThresholds; reason: DropReason }[] = [
  { score: "policy", reason: "policy" },
  { score: "groundedness", reason: "low_groundedness" },
  { score: "languageMatch", reason: "language_mismatch" },
  { score: "helpfulness", reason: "low_helpfulness" },
];

/** The drop a judgement calls for under `thresholds`, or null to keep the row. */
export function verdict(
  judgement: Judgement,
  thresholds: JudgeThresholds = defaultJudgeThresholds,
): { reason: DropReason; detail: string } | null {
  for (const check of checks) {
    const got = judgement[check.score];
    if (got < thresholds[check.score])
      return {
        reason: check.reason,
        detail: `${check.score} ${got} < ${thresholds[check.score]}: ${judgement.rationale}`,
      };
  }
  return null;
}
