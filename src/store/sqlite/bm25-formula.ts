/**
 * BM25 as FTS5 3.53's `fts5Bm25Function` (sqlite3.c) computes it, operation
 * for operation, so that the doubles come out identical (bm25-scorer.ts):
 * per phrase idf × (f × (k1 + 1)) / (f + k1 × (1 − b + b × D / avgdl)), summed
 * over the phrases in the query's order starting from 0.0; k1 1.2, b 0.75.
 * A phrase absent from a row adds +0 there, which changes no sum, so rows are
 * only visited through the postings of the phrases they hold.
 */
import type { Postings } from "./term-postings-cache.js";

const k1 = 1.2;
const b = 0.75;

/** One phrase of a query: its idf and its postings within the agent. */
export interface Phrase {
  idf: number;
  postings: Postings;
}

/** One phrase's term of the sum for a row with `f` weighted occurrences and `D` tokens. */
export function bm25Part(idf: number, f: number, D: number, avgdl: number): number {
  return idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + (b * D) / avgdl)));
}

/** The score (higher is better, before FTS5's `-1.0 *`) of every row holding any of `phrases` (OR). */
export function scoreAny(phrases: readonly Phrase[], avgdl: number): Map<number, number> {
  const scores = new Map<number, number>();
  for (const { idf, postings } of phrases) {
    const { docs, freqs, lengths } = postings;
    for (let i = 0; i < docs.length; i++) {
      scores.set(docs[i]!, (scores.get(docs[i]!) ?? 0.0) + bm25Part(idf, freqs[i]!, lengths[i]!, avgdl));
    }
  }
  return scores;
}

/** The score of every row holding all of `phrases` (AND): the shortest postings walked, the others searched. */
export function scoreAll(phrases: readonly Phrase[], avgdl: number): Map<number, number> {
  const scores = new Map<number, number>();
  if (phrases.length === 0) return scores;
  const shortest = phrases.reduce((x, y) =>
    y.postings.docs.length < x.postings.docs.length ? y : x,
  ).postings;
  next: for (const doc of shortest.docs) {
    let score = 0.0;
    for (const { idf, postings } of phrases) {
      const i = indexOf(postings.docs, doc);
      if (i < 0) continue next;
      score += bm25Part(idf, postings.freqs[i]!, postings.lengths[i]!, avgdl);
    }
    scores.set(doc, score);
  }
  return scores;
}

/** Where `doc` is in the ascending `docs`, or -1. */
function indexOf(docs: readonly number[], doc: number): number {
  let low = 0;
  let high = docs.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = docs[middle]!;
    if (at === doc) return middle;
    if (at < doc) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
