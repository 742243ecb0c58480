/**
 * Checks a scorecard against a deploy gate, criterion by criterion, saying
 * for each what was required, what was measured and, when it failed, by how
 * much. A criterion with nothing to measure (no judged answer, no comparison)
 * fails: a gate is passed on evidence only.
 */
import type { EvalGate, GateCheck, GateResult, Scorecard } from "../../spec/evaluation.js";

/** Floating-point slack, so that 0.95 × 4 against a measured 3.8 passes. */
const EPSILON = 1e-9;

export function applyEvalGate(card: Omit<Scorecard, "gate">, gate: EvalGate): GateResult {
  const candidate = card.models.candidate;
  const reference = card.models.reference;
  const checks: GateCheck[] = [];

  const c = candidate.rubric.mean;
  const r = reference.rubric.mean;
  if (c === null || r === null) {
    checks.push({
      criterion: "rubric",
      passed: false,
      required: `≥ ${pct(gate.minRubricRatio)} of the reference's mean rubric`,
      actual: "nothing judged",
      message: `rubric: the ${c === null ? "candidate" : "reference"} has no judged answer to compare`,
    });
  } else {
    const needed = gate.minRubricRatio * r;
    checks.push({
      criterion: "rubric",
      passed: c + EPSILON >= needed,
      required: `≥ ${pct(gate.minRubricRatio)} × ${r.toFixed(2)} = ${needed.toFixed(2)}`,
      actual: `${c.toFixed(2)} (${r > 0 ? pct(c / r) : "∞"} of the reference's)`,
      message: `rubric: the candidate's mean ${c.toFixed(2)} is under ${pct(gate.minRubricRatio)} of the reference's ${r.toFixed(2)} (${needed.toFixed(2)}), ${(needed - c).toFixed(2)} short${candidate.rubric.unknown > 0 ? `; ${candidate.rubric.unknown} unknown verdicts counted as 1` : ""}`,
    });
  }

  const w = card.pairwise.winOrTie;
  checks.push({
    criterion: "win_or_tie",
    passed: w !== null && w + EPSILON >= gate.minWinOrTie,
    required: `≥ ${pct(gate.minWinOrTie)}`,
    actual: w === null ? "no comparison" : pct(w),
    message:
      w === null
        ? "win or tie: no comparison was made"
        : `win or tie: ${pct(w)} of ${total(card)} comparisons, under ${pct(gate.minWinOrTie)}, ${points(gate.minWinOrTie - w)} points short (${card.pairwise.loss} lost${card.pairwise.unknown > 0 ? `, ${card.pairwise.unknown} unknown counted as lost` : ""})`,
  });

  const ca = candidate.tools.accuracy;
  const ra = reference.tools.accuracy;
  const drop = ca === null || ra === null ? null : ra - ca;
  checks.push({
    criterion: "tool_accuracy",
    passed: drop !== null && drop <= gate.maxToolAccuracyDrop + EPSILON,
    required: `at most ${gate.maxToolAccuracyDrop} points under the reference's${ra === null ? "" : ` ${ra.toFixed(1)}`}`,
    actual: ca === null ? "no turn" : `${ca.toFixed(1)}`,
    message:
      drop === null
        ? "tool calls: no turn was scored"
        : `tool calls: accuracy ${ca!.toFixed(1)} is ${drop.toFixed(1)} points under the reference's ${ra!.toFixed(1)} (at most ${gate.maxToolAccuracyDrop} allowed), ${(drop - gate.maxToolAccuracyDrop).toFixed(1)} points too many`,
  });

  checks.push({
    criterion: "policy",
    passed: card.policyRegressions <= gate.maxPolicyRegressions,
    required: `at most ${gate.maxPolicyRegressions} regressions`,
    actual: `${card.policyRegressions}`,
    message: `policy: ${card.policyRegressions} turns where the candidate broke a rule the reference kept (a policy score under the minimum, or a missed hand-off); at most ${gate.maxPolicyRegressions} allowed`,
  });

  if (gate.minPassK !== undefined) {
    const p = candidate.consistency.passHatK;
    checks.push({
      criterion: "pass_k",
      passed: p !== null && p + EPSILON >= gate.minPassK,
      required: `pass^${candidate.consistency.k} ≥ ${pct(gate.minPassK)}`,
      actual: p === null ? "no turn" : pct(p),
      message: `consistency: pass^${candidate.consistency.k} ${p === null ? "unmeasured" : pct(p)}, under ${pct(gate.minPassK)}`,
    });
  }
  const failures = checks.filter((check) => !check.passed).map((check) => check.message);
  return { config: gate, passed: failures.length === 0, checks, failures };
}

function total(card: Omit<Scorecard, "gate">): number {
  const p = card.pairwise;
  return p.win + p.tie + p.loss + p.unknown;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function points(share: number): string {
  return (share * 100).toFixed(1);
}
