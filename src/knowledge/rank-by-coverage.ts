import type { ChunkHit } from "../spec/knowledge.js";
import { termStrength } from "./query-plan.js";
import { readChunk } from "./read-chunk.js";
import { type TermWeights, weightedCoverage } from "./weigh-terms.js";

/** A candidate as re-ranked: its weighted coverage of the question and the score it is sorted by. */
export interface CoverageRanked<T extends ChunkHit> {
  hit: T;
  coverage: number;
  rank: number;
}

/** What a heading that names the question adds to a chunk's coverage when ranking. */
const TITLE_BONUS = 0.3;
/** Tie-breaks, together under the 0.01 that rounding leaves: an earlier place in the document, then BM25. */
const EARLIER = 0.007;
const BM25_SHARE = 0.002;
/**
 * Hybrid: how far the vector ranking can lift a chunk, times the share of the
 * question the best candidate lacks (1 − its coverage). Nothing when some
 * chunk holds the whole question, so a nearest neighbour never outranks a
 * passage with every word asked; with no word found anywhere, the vector
 * ranking alone orders. With a forged (random-vector) embedder the answer
 * evaluation scores the same with 0.3, 0.6 or 1 (its answered questions
 * nearly all have a chunk holding the whole question), so it cannot choose;
 * 0.3 keeps a random neighbour from overtaking a chunk that holds 0.3 more
 * of the question than it does. A real embedder's evaluation should tune it.
 */
export const SEMANTIC_WEIGHT = 0.3;
/** Hybrid, within a 0.01 band of equal lexical evidence: the nearer chunk first (under the band's 0.001 left). */
const SEMANTIC_TIE = 0.0009;

/**
 * BM25 candidates re-ranked by what the customer reads: first how much of the
 * question a chunk holds, half weighted by rarity (`weightedCoverage`: a chunk
 * with "gluten" beats one that only shares "pan") and half by count, then whether its heading
 * names it (its own heading, the last of its heading path: the section
 * "Horario de la tienda" for "¿a qué hora cerráis?", not every section of a
 * document titled "Citas y horario" for "¿cómo pido cita?"),
 * both to two decimals; then, within 0.01, the earlier place in its document
 * (a document says the general before the particular: the shop's hours
 * before the summer hours) and BM25. Literal words beat translations
 * (`RELATED_STRENGTH`), so a bilingual document answers in the question's
 * language. Best first; `rank` is that order's score (higher is better).
 *
 * With `semantic` (hybrid search), the vector ranking adds to that score as
 * `SEMANTIC_WEIGHT` says: a tie-break where the lexical evidence is complete,
 * more of the order the less of the question any candidate holds.
 */
export function rankByCoverage<T extends ChunkHit>(
  hits: readonly T[],
  weighed: TermWeights,
  semantic?: SemanticRanks,
): CoverageRanked<T>[] {
  const top = Math.max(0, ...hits.map((h) => h.score));
  const scored = hits.map((hit, order) => {
    const { words: present, heading } = readChunk(hit.chunk);
    const coverage = weightedCoverage(weighed, present, heading);
    // Half by rarity, half by count: a rare word mentioned in passing ("mi email es …, ¿tenéis pan sin
    // gluten?") must not outweigh the two the question is about.
    const plain = weighed.plan.terms.reduce((sum, term) => sum + termStrength(term, present), 0);
    const held = (coverage + plain / Math.max(1, weighed.plan.terms.length)) / 2;
    const title = weightedCoverage(weighed, heading);
    const bm25 = top > 0 ? Math.max(0, hit.score) / top : 0;
    const tie = EARLIER / (1 + hit.chunk.ordinal) + BM25_SHARE * bm25;
    return { hit, coverage, lexical: Math.round((held + TITLE_BONUS * title) * 100) / 100, tie, order };
  });
  // Hybrid: the embedding's say grows as the best lexical evidence shrinks (see `SemanticRanks`).
  const best = Math.max(0, ...scored.map((s) => s.coverage));
  return scored
    .map(({ hit, coverage, lexical, tie, order }) => {
      const near = semantic?.ranks.get(hit.chunk.id) ?? 0;
      const lift = semantic ? SEMANTIC_WEIGHT * (1 - best) * near + SEMANTIC_TIE * near : 0;
      return { hit, coverage, rank: lexical + lift + tie, order };
    })
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .map(({ hit, coverage, rank }) => ({ hit, coverage, rank }));
}

/**
 * Hybrid search's second opinion: for each chunk the vector search found,
 * its place there as 0..1 (1 for the nearest, falling linearly to 1/n for the
 * n-th; a chunk it did not find counts 0). Candidates only the vector
 * search found are passed to `rankByCoverage` with a BM25 score of 0.
 */
export interface SemanticRanks {
  ranks: ReadonlyMap<string, number>;
}

/** The nearest-first vector hits as `SemanticRanks`. */
export function semanticRanks(nearest: readonly ChunkHit[]): SemanticRanks {
  const n = nearest.length;
  return { ranks: new Map(nearest.map((hit, i) => [hit.chunk.id, (n - i) / n])) };
}
