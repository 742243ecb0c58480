/**
 * The scorecard's numbers as rows of (metric, candidate, reference), in the
 * words a person reads: one list that `eval show`, `eval compare` and the
 * HTML export all print, so they never disagree on what a number means.
 */
import type { ModelScores, Scorecard } from "../../spec/evaluation.js";

export interface MetricRow {
  metric: string;
  candidate: string;
  reference: string;
  /** The candidate's value as a number, for comparisons across scorecards; null when unmeasured. */
  value: number | null;
}

export function scorecardMetrics(card: Scorecard): MetricRow[] {
  const { candidate: c, reference: r } = card.models;
  const row = (
    metric: string,
    pick: (m: ModelScores) => number | null,
    show: (v: number | null) => string,
  ) => ({
    metric,
    candidate: show(pick(c)),
    reference: show(pick(r)),
    value: pick(c),
  });
  const p = card.pairwise;
  const one = (metric: string, value: number | null, text: string) => ({
    metric,
    candidate: text,
    reference: "",
    value,
  });
  return [
    row("rubric mean (1-5)", (m) => m.rubric.mean, fixed(2)),
    row("  groundedness", (m) => m.rubric.criteria.groundedness, fixed(2)),
    row("  helpfulness", (m) => m.rubric.criteria.helpfulness, fixed(2)),
    row("  policy", (m) => m.rubric.criteria.policy, fixed(2)),
    row("  language", (m) => m.rubric.criteria.languageMatch, fixed(2)),
    row("unknown verdicts", (m) => m.rubric.unknown, fixed(0)),
    one("win / tie / loss / unknown", p.winOrTie, `${p.win} / ${p.tie} / ${p.loss} / ${p.unknown}`),
    one("win or tie", p.winOrTie, share(p.winOrTie)),
    row("tool-call accuracy (points)", (m) => m.tools.accuracy, fixed(1)),
    row("  right decision to call", (m) => m.tools.decision, share),
    row("  right tool", (m) => m.tools.rightTool, share),
    row("  JSON-equal arguments", (m) => m.tools.argumentsEqual, share),
    one("agreement: tool calls", card.agreement.toolCalls, share(card.agreement.toolCalls)),
    one("agreement: hand-off", card.agreement.handoff, share(card.agreement.handoff)),
    one("agreement: refusal", card.agreement.refusal, share(card.agreement.refusal)),
    row("hand-offs", (m) => m.handoffs, fixed(0)),
    row("refusals", (m) => m.refusals, fixed(0)),
    row("policy violations", (m) => m.policyViolations, fixed(0)),
    one("policy regressions", card.policyRegressions, String(card.policyRegressions)),
    row("answers citing", (m) => m.citations.answersCiting, fixed(0)),
    row("  citations valid", (m) => ratio(m.citations.valid, m.citations.answersCiting), share),
    row("  invalid cited ids", (m) => m.citations.invalidIds, fixed(0)),
    {
      metric: `pass^${c.consistency.k}`,
      candidate: share(c.consistency.passHatK),
      reference: share(r.consistency.passHatK),
      value: c.consistency.passHatK,
    },
    row("pass rate", (m) => m.consistency.passRate, share),
    row("failed turns", (m) => m.failed, fixed(0)),
    row("latency p50 (ms)", (m) => m.cost.latencyMs.p50, fixed(0)),
    row("latency p95 (ms)", (m) => m.cost.latencyMs.p95, fixed(0)),
    row(
      "tokens in / out",
      (m) => m.cost.tokens.input + m.cost.tokens.output,
      (v) => `${v ?? "-"}`,
    ),
    row("tokens/s", (m) => m.cost.tokensPerSecond, fixed(1)),
    row("USD per 1,000 conversations", (m) => m.cost.per1000Conversations.usd, usd),
    row("model-seconds per 1,000 conversations", (m) => m.cost.per1000Conversations.modelSeconds, fixed(1)),
  ].map((m) =>
    m.metric === "tokens in / out"
      ? {
          ...m,
          candidate: `${c.cost.tokens.input} / ${c.cost.tokens.output}`,
          reference: `${r.cost.tokens.input} / ${r.cost.tokens.output}`,
        }
      : m,
  );
}

function fixed(digits: number) {
  return (value: number | null) => (value === null ? "-" : value.toFixed(digits));
}

function share(value: number | null): string {
  return value === null ? "-" : `${(value * 100).toFixed(1)}%`;
}

function usd(value: number | null): string {
  return value === null ? "no price" : `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
