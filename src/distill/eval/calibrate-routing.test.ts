import { describe, expect, it } from "vitest";
import { calibrateRouting } from "./calibrate-routing.js";
import type { AnswerScore, EvalTaskResult } from "./eval-task-result.js";

function answer(score: number | null, tokenConfidence?: number): AnswerScore {
  return {
    ok: true,
    error: null,
    text: "",
    mode: "model",
    calls: [],
    tools: { decision: true, rightTool: null, argumentsEqual: null, correct: true },
    citations: { valid: null, invalidIds: 0 },
    handedOff: false,
    refused: false,
    rubric:
      score === null
        ? null
        : { groundedness: score, helpfulness: score, policy: score, languageMatch: score },
    rubricDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 1,
    ...(tokenConfidence === undefined ? {} : { tokenConfidence }),
  };
}

function turn(
  confidence: number | undefined,
  candidate: number | null,
  reference: number | null,
): EvalTaskResult {
  return {
    rowKey: `row-${confidence}`,
    turn: 0,
    repeat: 0,
    candidate: answer(candidate, confidence),
    reference: answer(reference),
    pair: { outcome: "tie", verdicts: [] },
    agreement: { toolCalls: true, handoff: true, refusal: true },
    judgeUsage: { inputTokens: 0, outputTokens: 0 },
  };
}

describe("calibrateRouting", () => {
  it("escalates the least sure turns until the routed answers reach the gate's share of the reference", () => {
    // The student is bad exactly where it is unsure.
    const results = [turn(0.2, 1, 5), turn(0.3, 2, 5), turn(0.7, 5, 5), turn(0.8, 5, 5), turn(0.9, 5, 5)];
    expect(calibrateRouting(results, 0.95)).toEqual({
      minTokenConfidence: 0.5,
      escalationRate: 0.4,
      routedRubric: 5,
      rubricRatio: 1,
      reached: true,
      turns: 5,
    });
    // A looser bar lets the student keep one more turn.
    expect(calibrateRouting(results, 0.8)).toMatchObject({ minTokenConfidence: 0.25, escalationRate: 0.2 });
    // A student as good as the teacher escalates nothing.
    expect(calibrateRouting([turn(0.1, 5, 5), turn(0.5, 5, 5)], 0.95)).toMatchObject({
      minTokenConfidence: 0,
      escalationRate: 0,
    });
  });

  it("counts a candidate's unknown verdict as the lowest, leaves out turns it cannot measure, and says when the bar is out of reach", () => {
    const results = [turn(0.4, null, 4), turn(0.9, 4, 4), turn(undefined, 1, 5), turn(0.6, 3, null)];
    expect(calibrateRouting(results, 0.95)).toMatchObject({
      turns: 2,
      minTokenConfidence: 0.65,
      escalationRate: 0.5,
    });
    expect(calibrateRouting([turn(0.5, 3, 2)], 2)).toMatchObject({
      reached: false,
      escalationRate: 1,
      minTokenConfidence: 1,
    });
    expect(calibrateRouting([turn(undefined, 3, 3)], 0.95)).toBeNull();
  });
});
