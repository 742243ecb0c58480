/**
 * Train/validation/test splits stratified by intent, deterministic by seed.
 *
 * Rows of each intent are put in a seeded order (by a hash of seed and key,
 * so the order does not depend on the order rows arrive in); the intents'
 * orders are then laid end to end (intents by name) and walked with two
 * running counters that hand out test and validation places at the asked
 * rates. Each intent thus gets its share within one row, and the totals are
 * within one row of the asked shares — also when many intents are small,
 * where rounding per intent would give the small ones no held-out row at all.
 */
import type { Split, SynthRow } from "../../spec/distill.js";
import { taskSeed } from "../pipeline/synth-step.js";

export interface SplitShares {
  /** Shares of the rows, each 0..0.5. */
  validation: number;
  test: number;
  seed: number;
}

/** Every row with its split, in the input order. */
export function assignSplits(
  rows: readonly SynthRow[],
  shares: SplitShares,
): { split: Split; row: SynthRow }[] {
  const byIntent = new Map<string, SynthRow[]>();
  for (const row of rows) {
    const group = byIntent.get(row.intent) ?? [];
    group.push(row);
    byIntent.set(row.intent, group);
  }
  const splitOf = new Map<string, Split>();
  let seen = 0;
  let heldOutTest = 0;
  let heldOutValidation = 0;
  for (const intent of [...byIntent.keys()].sort(compare)) {
    const ordered = byIntent
      .get(intent)!
      .map((row) => ({ row, rank: taskSeed(shares.seed, row.key) }))
      .sort((a, b) => a.rank - b.rank || compare(a.row.key, b.row.key));
    for (const { row } of ordered) {
      seen++;
      if (Math.floor(seen * shares.test) > heldOutTest) {
        heldOutTest++;
        splitOf.set(row.key, "test");
      } else if (Math.floor(seen * shares.validation) > heldOutValidation) {
        heldOutValidation++;
        splitOf.set(row.key, "validation");
      } else {
        splitOf.set(row.key, "train");
      }
    }
  }
  return rows.map((row) => ({ split: splitOf.get(row.key)!, row }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
