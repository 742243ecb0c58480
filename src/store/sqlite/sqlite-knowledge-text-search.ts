/**
 * BM25 search over one agent's chunks, with bounded work.
 *
 * FTS5 scores every row its MATCH expression matches before it can sort
 * (measured: iterating 95k matches takes 2.7 ms, scoring them with bm25()
 * 44 ms), and a word found in most chunks (`de`, `la`, `the`) makes a query
 * score most of the index. Such a word also weighs almost nothing in BM25
 * (its idf tends to zero). So each query word's document frequency within
 * the agent is probed first, counting up to `scoredRowBudget` rowids (no
 * scoring), and the words are kept rarest first while the rows they match
 * stay within that budget: the ranking is exact BM25 over the kept words.
 * When every word is that common, the rarest one is ranked over its first
 * `scoredRowBudget` matching chunks (in ingest order).
 *
 * The agent is selected by its block of rowids (`chunkKeyRange`), which FTS5
 * applies while walking its index.
 */
import type { Database } from "better-sqlite3";
import { chunkKeyRange } from "./chunk-keys.js";
import { fts5String, searchTerms } from "./fts5-query.js";
import type { RankedKey } from "./sqlite-knowledge-rows.js";

/** At most about this many rows are scored per query (see the file comment; measured in bench/retrieval.ts). */
export const scoredRowBudget = 8_000;

export interface TextSearchOptions {
  /** Overrides `scoredRowBudget`; `Infinity` scores every match (exact, for benchmarks). */
  budget?: number;
}

export type TextSearch = (indexKey: number, query: string, limit: number) => RankedKey[];

export function createTextSearch(db: Database, options: TextSearchOptions = {}): TextSearch {
  const budget = options.budget ?? scoredRowBudget;
  const probe = db
    .prepare<[string, number, number, number], number>(
      `SELECT count(*) FROM (
         SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)`,
    )
    .pluck();
  const ranked = db.prepare<[string, number, number, number], { key: number; rank: number }>(
    `SELECT rowid AS key, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ?
     ORDER BY rank LIMIT ?`,
  );
  // MATERIALIZED: the inner LIMIT must bound what is scored, not be folded into the outer sort.
  const rankedFirst = db.prepare<[string, number, number, number, number], { key: number; rank: number }>(
    `WITH first AS MATERIALIZED (
       SELECT rowid AS key, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)
     SELECT key, rank FROM first ORDER BY rank LIMIT ?`,
  );

  return (indexKey, query, limit) => {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const { first, last } = chunkKeyRange(indexKey);
    if (!Number.isFinite(budget)) return toRanked(ranked.all(anyOf(terms), first, last, limit));
    const counted = terms
      .map((term) => ({ term, count: probe.get(anyOf([term]), first, last, budget + 1)! }))
      .filter(({ count }) => count > 0)
      .sort((a, b) => a.count - b.count);
    if (counted.length === 0) return [];
    const kept: string[] = [];
    let matches = 0;
    for (const { term, count } of counted) {
      if (matches + count > budget) break;
      kept.push(term);
      matches += count;
    }
    if (kept.length > 0) return toRanked(ranked.all(anyOf(kept), first, last, limit));
    return toRanked(rankedFirst.all(anyOf([counted[0]!.term]), first, last, budget, limit));
  };
}

/** Chunks whose title or text contains any of `terms`: each a quoted string, so never an operator. */
function anyOf(terms: readonly string[]): string {
  return terms.map(fts5String).join(" OR ");
}

/** FTS5's bm25() is lower-is-better; the contract's scores are higher-is-better. */
function toRanked(rows: { key: number; rank: number }[]): RankedKey[] {
  return rows.map(({ key, rank }) => ({ key, score: -rank }));
}
