import type { ChunkHit } from "../spec/knowledge.js";
import { words } from "./fold-text.js";
import { termStrength } from "./query-plan.js";
import { chunkWords, ownHeading, type TermWeights, weightedCoverage } from "./weigh-terms.js";

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
 */
export function rankByCoverage<T extends ChunkHit>(
  hits: readonly T[],
  weighed: TermWeights,
): CoverageRanked<T>[] {
  const top = Math.max(0, ...hits.map((h) => h.score));
  return hits
    .map((hit, order) => {
      const present = chunkWords(hit.chunk);
      const heading = new Set(words(ownHeading(hit.chunk.title)));
      const coverage = weightedCoverage(weighed, present, heading);
      // Half by rarity, half by count: a rare word mentioned in passing ("mi email es …, ¿tenéis pan sin
      // gluten?") must not outweigh the two the question is about.
      const plain = weighed.plan.terms.reduce((sum, term) => sum + termStrength(term, present), 0);
      const held = (coverage + plain / Math.max(1, weighed.plan.terms.length)) / 2;
      const title = weightedCoverage(weighed, heading);
      const bm25 = top > 0 ? Math.max(0, hit.score) / top : 0;
      const tie = EARLIER / (1 + hit.chunk.ordinal) + BM25_SHARE * bm25;
      return { hit, coverage, rank: Math.round((held + TITLE_BONUS * title) * 100) / 100 + tie, order };
    })
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .map(({ hit, coverage, rank }) => ({ hit, coverage, rank }));
}
