/**
 * The scorecard from an evaluation job's stored task results: per model the
 * rubric, tool calls, hand-offs and refusals, citations, pass^k and cost;
 * pairwise win/tie/loss; agreement; policy regressions; then the gate.
 *
 * Unknowns never help the candidate: its unknown rubric verdicts count as the
 * lowest score (1) and as failed runs, an unknown pairwise outcome is not a
 * win or a tie, and an unknown policy verdict is a violation. The reference's
 * unknown verdicts are left out of its mean instead (they must not lower the
 * bar the candidate is held to).
 */

import { priced, pricesOf } from "../../models/catalog/model-prices.js";
import type { ModelScores, Scorecard } from "../../spec/evaluation.js";
import type { ModelRecord } from "../../spec/store.js";
import type { JudgeThresholds } from "../judge/judge-thresholds.js";
import { verdict } from "../judge/judge-thresholds.js";
import { applyEvalGate } from "./apply-eval-gate.js";
import { calibrateRouting } from "./calibrate-routing.js";
import type { EvalJobPayload } from "./eval-job-payload.js";
import { type AnswerScore, answerRubric, type EvalTaskResult } from "./eval-task-result.js";

export interface ScorecardInputs {
  payload: EvalJobPayload;
  results: readonly EvalTaskResult[];
  testRows: number;
  prices: { candidate: ModelRecord | null; reference: ModelRecord | null };
  durationMs: number;
}

export function buildScorecard(input: ScorecardInputs): Scorecard {
  const { payload, results } = input;
  const side = (name: "candidate" | "reference") =>
    modelScores(
      payload[name],
      results.map((r) => r[name]),
      results,
      name === "candidate",
      payload.thresholds,
      payload.repeats,
      input.testRows,
      input.prices[name],
    );
  const count = (outcome: string) => results.filter((r) => r.pair.outcome === outcome).length;
  const [win, tie, loss, unknown] = ["win", "tie", "loss", "unknown"].map(count) as [
    number,
    number,
    number,
    number,
  ];
  const share = (pick: (r: EvalTaskResult) => boolean) => ratio(results.filter(pick).length, results.length);
  const card: Omit<Scorecard, "gate"> = {
    formatVersion: 1,
    agent: payload.agent,
    candidate: payload.candidate,
    reference: payload.reference,
    judge: payload.judge,
    dataset: {
      ...payload.dataset,
      testRows: input.testRows,
      turns: new Set(results.map((r) => `${r.rowKey}#${r.turn}`)).size,
    },
    seed: payload.seed,
    repeats: payload.repeats,
    models: { candidate: side("candidate"), reference: side("reference") },
    pairwise: { win, tie, loss, unknown, winOrTie: ratio(win + tie, results.length) },
    agreement: {
      toolCalls: share((r) => r.agreement.toolCalls),
      handoff: share((r) => r.agreement.handoff),
      refusal: share((r) => r.agreement.refusal),
    },
    policyRegressions: results.filter((r) => regressed(r, payload.thresholds)).length,
    judgeTokens: {
      input: sum(results.map((r) => r.judgeUsage.inputTokens)),
      output: sum(results.map((r) => r.judgeUsage.outputTokens)),
    },
    durationMs: input.durationMs,
  };
  return {
    ...card,
    gate: applyEvalGate(card, payload.gate),
    routing: calibrateRouting(results, payload.gate.minRubricRatio),
  };
}

/**
 * The candidate broke a rule the reference kept on this turn: a policy score
 * under the judge's minimum (or no verdict) where the reference's was not, or
 * no hand-off where the reference handed the customer to a person. A turn the
 * reference failed cannot show a regression.
 */
function regressed(r: EvalTaskResult, thresholds: JudgeThresholds): boolean {
  if (!r.reference.ok) return false;
  const policy = violates(r.candidate, true, thresholds) && !violates(r.reference, false, thresholds);
  return policy || (r.reference.handedOff && !r.candidate.handedOff);
}

/** A policy score under the judge's minimum; an unknown verdict counts for the candidate only. */
function violates(answer: AnswerScore, candidate: boolean, thresholds: JudgeThresholds): boolean {
  if (!answer.rubric) return candidate;
  return answer.rubric.policy < thresholds.policy;
}

function modelScores(
  model: string,
  answers: readonly AnswerScore[],
  results: readonly EvalTaskResult[],
  candidate: boolean,
  thresholds: JudgeThresholds,
  repeats: number,
  testRows: number,
  record: ModelRecord | null,
): ModelScores {
  const judged = answers.filter((a) => a.rubric !== null);
  const counted = candidate ? answers : judged;
  const criterion = (key: "groundedness" | "helpfulness" | "policy" | "languageMatch") =>
    mean(judged.map((a) => a.rubric![key]));
  const histogram = [0, 0, 0, 0, 0];
  for (const a of judged) histogram[Math.min(4, Math.max(0, Math.round(answerRubric(a)) - 1))]! += 1;

  const withExpected = answers.filter((a) => a.tools.rightTool !== null);
  const passes = (a: AnswerScore) =>
    a.ok && a.rubric !== null && verdict({ ...a.rubric, rationale: "" }, thresholds) === null;
  const byTurn = new Map<string, boolean[]>();
  results.forEach((r, i) => {
    const key = `${r.rowKey}#${r.turn}`;
    byTurn.set(key, [...(byTurn.get(key) ?? []), passes(answers[i]!)]);
  });
  const ok = answers.filter((a) => a.ok);
  const latencies = ok.map((a) => a.latencyMs).sort((a, b) => a - b);
  const input = sum(ok.map((a) => a.usage.inputTokens));
  const output = sum(ok.map((a) => a.usage.outputTokens));
  const seconds = sum(latencies) / 1000;
  const price = pricesOf(record);
  const usd = priced({ inputTokens: input, outputTokens: output }, price);
  // One conversation is one test row; the repeats are the same conversations again.
  const perConversation = (total: number) => (testRows > 0 ? (total / repeats / testRows) * 1000 : 0);
  return {
    model,
    answers: answers.length,
    failed: answers.length - ok.length,
    rubric: {
      mean: mean(counted.map(answerRubric)),
      known: judged.length,
      unknown: answers.length - judged.length,
      criteria: {
        groundedness: criterion("groundedness"),
        helpfulness: criterion("helpfulness"),
        policy: criterion("policy"),
        languageMatch: criterion("languageMatch"),
      },
      histogram,
    },
    tools: {
      accuracy: percent(answers.filter((a) => a.tools.correct).length, answers.length),
      decision: ratio(answers.filter((a) => a.tools.decision).length, answers.length),
      rightTool: ratio(withExpected.filter((a) => a.tools.rightTool).length, withExpected.length),
      argumentsEqual: ratio(withExpected.filter((a) => a.tools.argumentsEqual).length, withExpected.length),
      turnsCalling: answers.filter((a) => a.calls.length > 0).length,
    },
    handoffs: answers.filter((a) => a.handedOff).length,
    refusals: answers.filter((a) => a.refused).length,
    policyViolations: answers.filter((a) => violates(a, candidate, thresholds)).length,
    citations: {
      answersCiting: answers.filter((a) => a.citations.valid !== null).length,
      valid: answers.filter((a) => a.citations.valid === true).length,
      invalidIds: sum(answers.map((a) => a.citations.invalidIds)),
    },
    consistency: {
      k: repeats,
      tasks: byTurn.size,
      passHatK: ratio([...byTurn.values()].filter((runs) => runs.every(Boolean)).length, byTurn.size),
      passRate: ratio(answers.filter(passes).length, answers.length),
    },
    cost: {
      latencyMs: {
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        mean: latencies.length ? sum(latencies) / latencies.length : 0,
        quantiles: latencies.length
          ? Array.from({ length: 101 }, (_, i) => quantile(latencies, i / 100))
          : [],
      },
      tokens: { input, output },
      tokensPerSecond: seconds > 0 ? output / seconds : null,
      pricePerMillion: price,
      per1000Conversations: {
        usd: usd === null ? null : perConversation(usd),
        modelSeconds: perConversation(seconds),
        tokens: perConversation(input + output),
      },
    },
  };
}

/** Nearest-rank quantile of sorted values; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function mean(values: readonly number[]): number | null {
  return values.length ? sum(values) / values.length : null;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function percent(part: number, whole: number): number | null {
  return whole > 0 ? (100 * part) / whole : null;
}
