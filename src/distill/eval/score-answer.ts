/**
 * What can be scored about one answer without a judge: its tool calls
 * against the ones expected (right decision to call, right tools, JSON-equal
 * arguments), its citations (every cited id names a passage that was
 * retrieved in that turn and still exists), and the pairwise verdicts asked
 * in both orders combined into one outcome.
 */
import { citedIds } from "../../agents/index.js";
import type { JsonValue } from "../../spec/json.js";
import { canonicalJson } from "../datasets/content-hash.js";
import type { ExpectedCall } from "./plan-eval-tasks.js";

export interface CallScore {
  /** It called a tool exactly when one was expected. */
  decision: boolean;
  /** The same tools, as many times each (null when none was expected). */
  rightTool: boolean | null;
  /** Every call's arguments JSON-equal to the expected one's (null when none was expected). */
  argumentsEqual: boolean | null;
  correct: boolean;
}

export function scoreToolCalls(
  actual: readonly ExpectedCall[],
  expected: readonly ExpectedCall[],
): CallScore {
  const decision = actual.length > 0 === expected.length > 0;
  if (expected.length === 0) return { decision, rightTool: null, argumentsEqual: null, correct: decision };
  const names = (calls: readonly ExpectedCall[]) => calls.map((c) => c.name).sort();
  const whole = (calls: readonly ExpectedCall[]) => calls.map((c) => canonicalJson([c.name, c.input])).sort();
  const rightTool = sameList(names(actual), names(expected));
  const argumentsEqual = sameList(whole(actual), whole(expected));
  return { decision, rightTool, argumentsEqual, correct: decision && rightTool && argumentsEqual };
}

/**
 * `valid` is null when the answer cites nothing. An id is invalid when the
 * turn showed no passage under it (the model made it up), or its passage is
 * not in `existing` (the chunk ids the store still has).
 */
export function checkAnswerCitations(
  text: string,
  citations: readonly { id: string; chunkId: string }[],
  existing: ReadonlySet<string>,
): { valid: boolean | null; invalidIds: number } {
  const ids = citedIds(text);
  if (ids.length === 0) return { valid: null, invalidIds: 0 };
  const shown = new Map(citations.map((c) => [c.id, c.chunkId]));
  const invalidIds = ids.filter((id) => {
    const chunkId = shown.get(id);
    return chunkId === undefined || !existing.has(chunkId);
  }).length;
  return { valid: invalidIds === 0, invalidIds };
}

export type PairVerdict = "candidate" | "reference" | "tie" | "unknown";
export type PairOutcome = "win" | "tie" | "loss" | "unknown";

/**
 * One outcome from the two orders: the same winner both times wins; a
 * disagreement (position bias) or a tie is a tie; a verdict the judge never
 * gave makes the comparison unknown, which the gate never counts as a pass.
 */
export function combinePair(first: PairVerdict, swapped: PairVerdict): PairOutcome {
  if (first === "unknown" || swapped === "unknown") return "unknown";
  if (first === swapped && first !== "tie") return first === "candidate" ? "win" : "loss";
  return "tie";
}

export function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
