/** How `eval show`, `eval compare` and `eval run` print scorecards. */
import { scorecardMetrics } from "../../distill/eval/scorecard-metrics.js";
import type { Scorecard } from "../../spec/evaluation.js";
import type { ScorecardRecord } from "../../spec/store.js";
import { formatTable } from "../format-table.js";

export function formatScorecard(record: ScorecardRecord, card: Scorecard): string {
  const d = card.dataset;
  const head = [
    `scorecard ${record.id} (version ${record.version} of ${card.candidate} on ${card.agent.name}, ${record.createdAt})`,
    `  dataset ${d.name}@${d.version} (sha256 ${d.contentHash}): ${d.testRows} test rows, ${d.turns} turns × ${card.repeats} repeats`,
    `  judge ${card.judge}, seed ${card.seed}, ${(card.durationMs / 1000).toFixed(1)} s`,
    "",
  ];
  const table = formatTable([
    ["METRIC", `CANDIDATE (${card.candidate})`, `REFERENCE (${card.reference})`],
    ...scorecardMetrics(card).map((m) => [m.metric, m.candidate, m.reference]),
  ]);
  return [...head, table, "", formatGate(card), ...formatRouting(card)].join("\n");
}

export function formatGate(card: Scorecard): string {
  const gate = card.gate;
  const lines = gate.checks.map(
    (c) => `  ${c.passed ? "pass" : "FAIL"}  ${c.criterion}: ${c.actual} (required ${c.required})`,
  );
  return [
    `gate: ${gate.passed ? "passed" : "not passed"}`,
    ...lines,
    ...gate.failures.map((f) => `  - ${f}`),
  ].join("\n");
}

/** Two scorecards side by side: the candidate's numbers of each, and B − A where both are numbers. */
export function formatComparison(
  a: { record: ScorecardRecord; card: Scorecard },
  b: { record: ScorecardRecord; card: Scorecard },
): string {
  const left = scorecardMetrics(a.card);
  const right = scorecardMetrics(b.card);
  const rows = left.map((m, i) => {
    const other = right[i]!;
    const delta = m.value !== null && other.value !== null ? other.value - m.value : null;
    return [
      m.metric,
      m.candidate,
      other.candidate,
      delta === null ? "" : `${delta >= 0 ? "+" : ""}${round(delta)}`,
    ];
  });
  const label = (s: { record: ScorecardRecord; card: Scorecard }) =>
    `${s.card.candidate} v${s.record.version} (${s.record.id.slice(0, 8)})`;
  const warnings: string[] = [];
  if (a.card.dataset.contentHash !== b.card.dataset.contentHash)
    warnings.push("note: the two scorecards were made on different test rows: differences may be the data's");
  if (a.card.reference !== b.card.reference)
    warnings.push(`note: different references (${a.card.reference}, ${b.card.reference})`);
  return [
    formatTable([
      ["METRIC", label(a), label(b), "B - A"],
      ...rows,
      ["gate", verdict(a.card), verdict(b.card), ""],
    ]),
    ...warnings,
  ].join("\n");
}

function verdict(card: Scorecard): string {
  return card.gate.passed ? "passed" : `not passed (${card.gate.failures.length})`;
}

function round(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
}

/** The routing threshold the scorecard supports, as the line to put in the agent's spec. */
function formatRouting(card: Scorecard): string[] {
  const r = card.routing;
  if (!r) return [];
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return [
    "",
    `routing: routing.escalate.minTokenConfidence: ${r.minTokenConfidence.toFixed(3)} sends ${pct(r.escalationRate)} of turns to ${card.reference}` +
      ` (routed rubric ${r.routedRubric.toFixed(2)}, ${pct(r.rubricRatio)} of the reference's over ${r.turns} turns` +
      `${r.reached ? "" : "; the gate's ratio is not reached even with every turn escalated"})`,
  ];
}
