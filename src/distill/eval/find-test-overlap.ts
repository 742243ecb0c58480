/**
 * Whether a test split leaks into training: test rows with a customer turn
 * that is a near-duplicate of a customer turn of the training rows, on the
 * same measure decontamination uses (character 5-grams, MinHash, estimated
 * Jaccard ≥ 0.5, turns of at least four words: see decontaminate.ts). A
 * candidate graded on questions it was trained on proves nothing, so the
 * evaluation is refused with the overlap counted.
 */
import type { SynthRow } from "../../spec/distill.js";
import { defaultDecontaminateOptions } from "../dedup/decontaminate.js";
import { createNearDuplicateIndex } from "../dedup/near-duplicate-index.js";
import { userTurns } from "../dedup/row-text.js";
import { normalizeForDedup } from "../dedup/shingle-hashes.js";

export interface TestOverlap {
  /** Test rows with at least one customer turn found in the training rows. */
  rows: number;
  /** A few pairs (test key, training key), for the message. */
  examples: { test: string; train: string }[];
}

export function findTestOverlap(test: readonly SynthRow[], train: readonly SynthRow[]): TestOverlap {
  const { minWords, ...options } = defaultDecontaminateOptions;
  const index = createNearDuplicateIndex(options);
  const long = (turn: string) => {
    const normalized = normalizeForDedup(turn);
    return normalized !== "" && normalized.split(" ").length >= minWords;
  };
  for (const row of train)
    for (const turn of userTurns(row.messages)) if (long(turn)) index.add(row.key, turn);
  const overlap: TestOverlap = { rows: 0, examples: [] };
  if (index.size === 0) return overlap;
  for (const row of test) {
    const match = userTurns(row.messages)
      .filter(long)
      .map((turn) => index.query(turn))
      .find((m) => m !== undefined);
    if (!match) continue;
    overlap.rows += 1;
    if (overlap.examples.length < 3) overlap.examples.push({ test: row.key, train: match.id });
  }
  return overlap;
}
