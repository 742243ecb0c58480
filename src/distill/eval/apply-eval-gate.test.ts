import { describe, expect, it } from "vitest";
import { agentSpecSchema } from "../../spec/agent.js";
import { defaultEvalGate, type ModelScores } from "../../spec/evaluation.js";
import { applyEvalGate } from "./apply-eval-gate.js";
import { buildScorecard } from "./build-scorecard.js";
import type { EvalJobPayload } from "./eval-job-payload.js";
import type { AnswerScore, EvalTaskResult } from "./eval-task-result.js";
import { row } from "./eval-test.fixture.js";
import { findTestOverlap } from "./find-test-overlap.js";
import { combinePair, scoreToolCalls } from "./score-answer.js";
import { scorecardHtml } from "./scorecard-html.js";

const answer = (rubric: number | null, extra: Partial<AnswerScore> = {}): AnswerScore => ({
  ok: true,
  error: null,
  text: "x",
  mode: "model",
  calls: [],
  tools: { decision: true, rightTool: null, argumentsEqual: null, correct: true },
  citations: { valid: null, invalidIds: 0 },
  handedOff: false,
  refused: false,
  rubric:
    rubric === null
      ? null
      : { groundedness: rubric, helpfulness: rubric, policy: rubric, languageMatch: rubric },
  rubricDetail: null,
  usage: { inputTokens: 100, outputTokens: 10 },
  latencyMs: 200,
  ...extra,
});

const result = (
  c: AnswerScore,
  r: AnswerScore,
  outcome: EvalTaskResult["pair"]["outcome"],
  turn = 0,
): EvalTaskResult => ({
  rowKey: "row",
  turn,
  repeat: 0,
  candidate: c,
  reference: r,
  pair: { outcome, verdicts: [] },
  agreement: { toolCalls: true, handoff: true, refusal: true },
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
});

const payload = {
  agent: { id: "a", name: "la-espiga" },
  candidate: "student",
  reference: "teacher",
  judge: "teacher",
  dataset: { id: "d", name: "la-espiga", version: 1, contentHash: "h" },
  seed: 1,
  repeats: 1,
  concurrency: 1,
  maxAttempts: 2,
  callTimeoutMs: 1000,
  maxTokens: null,
  gate: defaultEvalGate,
  thresholds: { groundedness: 3, helpfulness: 3, policy: 4, languageMatch: 4 },
  now: new Date(0).toISOString(),
} satisfies EvalJobPayload;

const card = (results: EvalTaskResult[]) =>
  buildScorecard({
    payload,
    results,
    testRows: 1,
    prices: { candidate: null, reference: null },
    durationMs: 5,
  });

describe("the deploy gate", () => {
  it("passes a candidate at parity and says by how much a weaker one falls short", () => {
    const even = card(Array.from({ length: 10 }, (_, i) => result(answer(5), answer(5), "tie", i)));
    expect(even.gate).toMatchObject({ passed: true, failures: [] });

    const weaker = card([
      ...Array.from({ length: 8 }, (_, i) => result(answer(3), answer(5), "win", i)),
      result(
        answer(2, { tools: { decision: false, rightTool: null, argumentsEqual: null, correct: false } }),
        answer(5),
        "loss",
        8,
      ),
      result(answer(null), answer(5), "unknown", 9),
    ]);
    expect(weaker.gate.passed).toBe(false);
    // The unknown verdict counts as 1: (8×3 + 2 + 1) / 10 = 2.7 against 0.95 × 5 = 4.75.
    expect(weaker.gate.failures).toEqual([
      "rubric: the candidate's mean 2.70 is under 95.0% of the reference's 5.00 (4.75), 2.05 short; 1 unknown verdicts counted as 1",
      "win or tie: 80.0% of 10 comparisons, under 90.0%, 10.0 points short (1 lost, 1 unknown counted as lost)",
      "tool calls: accuracy 90.0 is 10.0 points under the reference's 100.0 (at most 2 allowed), 8.0 points too many",
      "policy: 10 turns where the candidate broke a rule the reference kept (a policy score under the minimum, or a missed hand-off); at most 0 allowed",
    ]);
    expect(weaker.models.candidate.rubric).toMatchObject({
      known: 9,
      unknown: 1,
      histogram: [0, 1, 8, 0, 0],
    });

    const lenient = applyEvalGate(weaker, {
      ...defaultEvalGate,
      minRubricRatio: 0.5,
      minWinOrTie: 0.8,
      maxToolAccuracyDrop: 10,
      maxPolicyRegressions: 10,
    });
    expect(lenient.failures).toEqual([]);
  });

  it("counts a missed hand-off as a policy regression", () => {
    const missed = card([result(answer(5), answer(5, { handedOff: true }), "tie")]);
    expect(missed.policyRegressions).toBe(1);
  });

  it("refuses, when the agent is saved, a gate that can never pass", () => {
    const parse = (gate: Record<string, unknown>) =>
      agentSpecSchema.safeParse({ name: "x", persona: "y", evaluation: { gate } });
    expect(parse({}).success).toBe(true);
    for (const [gate, message] of [
      [{ minWinOrTie: 1.2 }, /more can never pass/],
      [{ minRubricRatio: 6 }, /over 5 can never pass/],
      [{ maxToolAccuracyDrop: -101 }, /under -100 can never pass/],
      [{ minPassK: 2 }, /more can never pass/],
      [{ minWinOrTi: 0.9 }, /minWinOrTi/],
    ] as const) {
      const parsed = parse(gate);
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error!.issues)).toMatch(message);
    }
  });
});

describe("scoring one answer", () => {
  it("asks the pairwise question both ways: a disagreement is a tie, an unknown is unknown", () => {
    expect(combinePair("candidate", "candidate")).toBe("win");
    expect(combinePair("reference", "reference")).toBe("loss");
    expect(combinePair("candidate", "reference")).toBe("tie");
    expect(combinePair("tie", "candidate")).toBe("tie");
    expect(combinePair("candidate", "unknown")).toBe("unknown");
  });

  it("scores tool calls on the decision, the tools and JSON-equal arguments", () => {
    const expected = [{ name: "order_status", input: { order_id: "LE-2051", x: [1, 2] } }];
    expect(
      scoreToolCalls([{ name: "order_status", input: { x: [1, 2], order_id: "LE-2051" } }], expected),
    ).toEqual({
      decision: true,
      rightTool: true,
      argumentsEqual: true,
      correct: true,
    });
    expect(
      scoreToolCalls([{ name: "order_status", input: { order_id: "LE-2052" } }], expected),
    ).toMatchObject({
      rightTool: true,
      argumentsEqual: false,
      correct: false,
    });
    expect(scoreToolCalls([], expected)).toMatchObject({ decision: false, correct: false });
    expect(scoreToolCalls([], [])).toMatchObject({ decision: true, correct: true, rightTool: null });
  });

  it("counts the test rows whose questions are in the training rows", () => {
    const train = [row("t1", [["¿Tenéis pan de espelta integral los martes?", "Sí."]])];
    const test = [
      row("q1", [["¿tenéis pan de espelta integral los martes?", "Sí."]]),
      row("q2", [["Do you deliver birthday cakes on Sundays?", "No."]]),
      row("q3", [["hola", "hola"]]),
    ];
    expect(findTestOverlap(test, train)).toEqual({ rows: 1, examples: [{ test: "q1", train: "t1" }] });
  });

  it("exports a self-contained page with every text escaped", () => {
    const scorecard = card([result(answer(4), answer(5), "tie")]);
    const hostile = { ...scorecard, candidate: '<script>alert("x")</script>' };
    const page = scorecardHtml(hostile, { id: "id", version: 1, createdAt: "now" });
    expect(page).not.toContain("<script>");
    expect(page).toContain("&#60;script&#62;");
    expect(page.match(/<svg /g)).toHaveLength(3);
    const m: ModelScores = scorecard.models.candidate;
    expect(m.cost.latencyMs).toMatchObject({ p50: 200, p95: 200 });
  });
});
