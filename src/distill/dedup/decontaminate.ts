/**
 * Decontamination: a kept row is dropped as `contaminated` when one of its
 * customer turns is a near-duplicate of a customer turn of the held-out test
 * split, so the student is never trained on the questions it will be graded
 * on. Compared turn by turn on character 5-grams (a question is short: one
 * changed word breaks most of its word 5-shingles, not its character ones),
 * and only turns of at least `minWords` words take part (every conversation
 * may start with "hola"). On the hand-made pairs in near-duplicate-questions.fixture.ts
 * a test question and its rewording score ≥ 0.68, a question on the same
 * topic asking another thing ≤ 0.42; the threshold sits low in that gap
 * because a leaked test question costs more than a training row.
 *
 * Rows whose key is among the held-out rows' keys are the test rows
 * themselves and are left alone, as are rows already dropped. The result is in
 * the input order.
 */
import type { SynthRow, TrainingMessage } from "../../spec/distill.js";
import { createNearDuplicateIndex, type NearDuplicateOptions } from "./near-duplicate-index.js";
import { userTurns } from "./row-text.js";
import { normalizeForDedup } from "./shingle-hashes.js";

export interface DecontaminateOptions extends NearDuplicateOptions {
  /** Customer turns with fewer words than this are not compared. */
  minWords: number;
}

export const defaultDecontaminateOptions: DecontaminateOptions = {
  threshold: 0.5,
  permutations: 128,
  bands: 42,
  rowsPerBand: 3,
  shingles: { unit: "char", size: 5 },
  seed: 0x5eed,
  minWords: 4,
};

export interface HeldOutExample {
  key: string;
  messages: readonly TrainingMessage[];
}

export function decontaminate(
  rows: readonly SynthRow[],
  heldOut: readonly HeldOutExample[],
  options: Partial<DecontaminateOptions> = {},
): { rows: SynthRow[]; dropped: number } {
  const o = { ...defaultDecontaminateOptions, ...options };
  const index = createNearDuplicateIndex(o);
  const heldOutKeys = new Set<string>();
  for (const example of heldOut) {
    heldOutKeys.add(example.key);
    for (const turn of userTurns(example.messages))
      if (wordCount(turn) >= o.minWords) index.add(example.key, turn);
  }
  let dropped = 0;
  const out = rows.map((row) => {
    if (row.dropped !== null || heldOutKeys.has(row.key) || index.size === 0) return row;
    const turns = userTurns(row.messages);
    for (let t = 0; t < turns.length; t++) {
      const turn = turns[t]!;
      if (wordCount(turn) < o.minWords) continue;
      const match = index.query(turn);
      if (!match) continue;
      dropped++;
      return {
        ...row,
        dropped: "contaminated" as const,
        dropDetail: `customer turn ${t + 1} is a near-duplicate of held-out row ${match.id} (estimated similarity ${match.similarity.toFixed(2)})`,
      };
    }
    return row;
  });
  return { rows: out, dropped };
}

function wordCount(text: string): number {
  const normalized = normalizeForDedup(text);
  return normalized === "" ? 0 : normalized.split(" ").length;
}
