/**
 * Near-duplicate removal among the rows a run kept: rows are visited in key
 * order (keys are deterministic, so the same run always keeps the same rows),
 * each is compared with the rows kept before it, and a near-duplicate is
 * dropped as `near_duplicate` naming the kept row's key in `dropDetail`.
 * Comparing only with kept rows means a chain a≈b≈c with a≉c keeps a and c.
 *
 * Rows already dropped are returned unchanged and take no part. The result is
 * in the input order; no row is lost.
 */
import type { SynthRow } from "../../spec/distill.js";
import { createNearDuplicateIndex, type NearDuplicateOptions } from "./near-duplicate-index.js";
import { conversationText } from "./row-text.js";

export interface DedupResult {
  rows: SynthRow[];
  /** How many rows this call dropped. */
  dropped: number;
}

export function dropNearDuplicates(
  rows: readonly SynthRow[],
  options: Partial<NearDuplicateOptions> = {},
): DedupResult {
  const index = createNearDuplicateIndex(options);
  const order = rows
    .map((row, position) => ({ row, position }))
    .filter(({ row }) => row.dropped === null)
    .sort((a, b) => compareKeys(a.row.key, b.row.key));
  const out = [...rows];
  let dropped = 0;
  for (const { row, position } of order) {
    const match = index.addUnlessDuplicate(row.key, conversationText(row.messages));
    if (!match) continue;
    dropped++;
    out[position] = {
      ...row,
      dropped: "near_duplicate",
      dropDetail: `near-duplicate of ${match.id} (estimated similarity ${match.similarity.toFixed(2)})`,
    };
  }
  return { rows: out, dropped };
}

/** Code-unit order, the same in every locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
