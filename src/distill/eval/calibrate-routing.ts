import type { RoutingCalibration } from "../../spec/evaluation.js";
import { answerRubric, type EvalTaskResult } from "./eval-task-result.js";

/**
 * The student-first routing threshold this evaluation supports, RouteLLM's
 * way: turns sorted by the candidate's confidence (the mean probability of
 * the tokens it chose); escalating the k least sure gives those turns the
 * reference's answer and keeps the candidate's elsewhere. The threshold is
 * the one with the fewest escalations whose routed mean rubric reaches
 * `minRubricRatio` of the reference's (the gate's own bar). Turns without the
 * candidate's confidence (an engine that reports none) or the reference's
 * rubric are left out; none left: null.
 */
export function calibrateRouting(
  results: readonly EvalTaskResult[],
  minRubricRatio: number,
): RoutingCalibration | null {
  const turns = results
    .filter((r) => typeof r.candidate.tokenConfidence === "number" && r.reference.rubric !== null)
    .map((r) => ({
      confidence: r.candidate.tokenConfidence as number,
      candidate: answerRubric(r.candidate),
      reference: answerRubric(r.reference),
    }))
    .sort((a, b) => a.confidence - b.confidence);
  const n = turns.length;
  if (n === 0) return null;
  const referenceMean = turns.reduce((sum, t) => sum + t.reference, 0) / n;
  let routed = turns.reduce((sum, t) => sum + t.candidate, 0);
  let k = 0;
  // Escalate the least sure turn, then the next, until the routed answers are good enough.
  while (k < n && routed / n < minRubricRatio * referenceMean) {
    routed += turns[k]!.reference - turns[k]!.candidate;
    k++;
  }
  const threshold = k === 0 ? 0 : k === n ? 1 : (turns[k - 1]!.confidence + turns[k]!.confidence) / 2;
  return {
    minTokenConfidence: threshold,
    escalationRate: k / n,
    routedRubric: routed / n,
    rubricRatio: referenceMean > 0 ? routed / n / referenceMean : 1,
    reached: routed / n >= minRubricRatio * referenceMean,
    turns: n,
  };
}
