/**
 * BM25 search over one agent's chunks, with bounded work.
 *
 * FTS5 scores every row its MATCH expression matches before it can sort
 * (measured at 100k chunks: iterating 95k matches takes 2.7 ms, scoring them
 * with bm25() 44 ms; at 1M chunks exact BM25 takes about 1 s a query), and
 * bm25() also counts every row of each phrase once per query for its idf
 * (about 80 ns a row: 80 ms for `de`, in nearly every chunk). So:
 *
 * 1. Each query word's document frequency within the agent is probed, walking
 *    at most `probeRows` of its rowids: exact for rarer words, and for common
 *    ones an estimate from how far into the agent's rowids the walk got.
 *    Words in no chunk are dropped.
 * 2. Tier 1: chunks containing every one of the rarest words (at least two)
 *    whose frequencies add up to at most `conjunctiveBudget`, by BM25 over
 *    those words. A chunk with all the informative words of a question is the
 *    best answer more often than BM25 alone says (measured in
 *    bench/retrieval.ts: "source chunk in top 10").
 * 3. Tier 2, when tier 1 found fewer than `limit`: chunks containing any of
 *    the rarest words whose frequencies add up to at most `scoredRowBudget`,
 *    by BM25 over those words; when even the rarest word is more frequent,
 *    its first `scoredRowBudget` chunks (in ingest order) by BM25 — or, when
 *    it is in more than `unrankedFrequency` chunks, its first `limit` chunks
 *    with score 0: bm25() would count every one of its rows for an idf near
 *    zero (48 ms for `de` at 1M chunks, measured).
 *
 * Words more frequent than the budgets (`de`, `the`) weigh almost nothing in
 * BM25 (their idf tends to zero); leaving them out is what bounds the work.
 * Tier 1 comes first; its scores are raised by one constant, when needed, to
 * stay above tier 2's, so scores always decrease down the list.
 *
 * The agent is selected by its block of rowids (`chunkKeyRange`), which FTS5
 * applies while walking its index.
 *
 * Tiers 1 and 2 are ranked by `Bm25Scorer` (bm25-scorer.ts): bm25()'s own
 * numbers and order, computed from postings kept between searches instead of
 * FTS5 recounting every phrase's rows on every query (the whole search 0.51 →
 * 0.07 ms of CPU a demo question, bench/agent-turns-search.ts); where it
 * cannot be exact it answers undefined and FTS5 ranks as before.
 */
import type { Database } from "better-sqlite3";
import { createBm25Scorer, type Fts5Row } from "./bm25-scorer.js";
import { chunkKeyRange } from "./chunk-keys.js";
import { fts5String, searchTerms } from "./fts5-query.js";
import type { RankedKey } from "./sqlite-knowledge-rows.js";
import { TermFrequencyCache } from "./term-frequency-cache.js";

/** Tier 2 scores about this many rows at most (tuned in bench/retrieval.ts). */
export const scoredRowBudget = 4_000;
/** Tier 1's words add up to at most this many chunks (tuned in bench/retrieval.ts). */
export const conjunctiveBudget = 60_000;
/** A query whose every word is in more chunks than this is not ranked (see the file comment). */
export const unrankedFrequency = 100_000;
/** A frequency probe walks at most this many rows. */
export const probeRows = 1_000;
/**
 * The cached scorer's first rankings with hits are also asked of FTS5 and compared, bit for bit: a
 * difference (another platform's floating point, another SQLite's bm25(), a 'rank' setting changed
 * since) turns the scorer off for this connection.
 */
export const selfChecks = 3;

export interface TextSearchOptions {
  /** Overrides `scoredRowBudget`; `Infinity` scores every match of every word (exact BM25, for benchmarks). */
  budget?: number;
  /** Overrides `conjunctiveBudget`; 0 turns tier 1 off. */
  conjunctive?: number;
  /** Overrides `unrankedFrequency` (for tests). */
  unranked?: number;
  /** `fts5`: every ranking by FTS5's bm25() (the reference the cached scorer is checked against). Default `cached`. */
  scoring?: "cached" | "fts5";
}

/**
 * `used`: how many chunk keys the agent has used (knowledge_indexes.next_chunk).
 * Word frequencies are kept between searches (`TermFrequencyCache`): the
 * knowledge repository calls `forget(indexKey)` after writing an index's
 * chunks through this connection, `forgetAll()` when it cannot tell which.
 */
export interface TextSearch {
  (indexKey: number, used: number, query: string, limit: number): RankedKey[];
  forget(indexKey: number): void;
  forgetAll(): void;
}

type Row = Fts5Row;

export function createTextSearch(db: Database, options: TextSearchOptions = {}): TextSearch {
  const budget = options.budget ?? scoredRowBudget;
  const conjunctive = options.conjunctive ?? conjunctiveBudget;
  const unrankedAbove = options.unranked ?? unrankedFrequency;
  const frequencies = new TermFrequencyCache();
  let scorer = options.scoring === "fts5" ? undefined : createBm25Scorer(db);
  let checksLeft = selfChecks;
  // Changes when another connection (another process) commits; this connection's own writes call forget().
  const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  const probe = db.prepare<[string, number, number, number], { rows: number; last: number | null }>(
    `SELECT count(*) AS rows, max(key) AS last FROM (
       SELECT rowid AS key FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)`,
  );
  const ranked = db.prepare<[string, number, number, number], Row>(
    `SELECT rowid AS key, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ?
     ORDER BY rank LIMIT ?`,
  );
  const unranked = db.prepare<[string, number, number, number], Row>(
    "SELECT rowid AS key, 0 AS rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?",
  );
  // MATERIALIZED: the inner LIMIT must bound what is scored, not be folded into the outer sort.
  const rankedFirst = db.prepare<[string, number, number, number, number], Row>(
    `WITH first AS MATERIALIZED (
       SELECT rowid AS key, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)
     SELECT key, rank FROM first ORDER BY rank LIMIT ?`,
  );

  const search = (indexKey: number, used: number, query: string, limit: number): RankedKey[] => {
    const terms = searchTerms(query);
    if (terms.length === 0 || used === 0) return [];
    const version = dataVersion.get()!;
    frequencies.checkVersion(version);
    scorer?.checkVersion(version);
    const first = chunkKeyRange(indexKey).first;
    const last = first + used - 1;
    // FTS5's `ORDER BY rank LIMIT limit`, from the scorer when it can be exact.
    const rankedBy = (words: readonly string[], join: "and" | "or"): Row[] => {
      const fts5 = () => ranked.all(join === "and" ? allOf(words) : anyOf(words), first, last, limit);
      const ours = scorer?.rank(indexKey, first, used, words, join, limit);
      if (ours === undefined) return fts5();
      if (checksLeft > 0 && ours.length > 0) {
        checksLeft--;
        const theirs = fts5();
        if (!sameRows(ours, theirs)) {
          scorer = undefined; // this platform's or this SQLite's bm25() is not the one reproduced: FTS5 from now on
          return theirs;
        }
      }
      return ours;
    };
    if (!Number.isFinite(budget)) return toRanked(ranked.all(anyOf(terms), first, last, limit));
    const counted = terms
      .map((term) => {
        const kept = frequencies.get(indexKey, used, term);
        if (kept !== undefined) return { term, frequency: kept };
        const { rows, last: reached } = probe.get(anyOf([term]), first, last, probeRows + 1)!;
        // Past the cap, extrapolate: `rows` matches were found in the first (reached - first + 1) keys.
        const frequency = rows <= probeRows ? rows : (rows * used) / (reached! - first + 1);
        frequencies.set(indexKey, used, term, frequency);
        return { term, frequency };
      })
      .filter(({ frequency }) => frequency > 0)
      .sort((a, b) => a.frequency - b.frequency);
    if (counted.length === 0) return [];
    const rarestWithin = (within: number) => {
      const kept: string[] = [];
      let total = 0;
      for (const { term, frequency } of counted) {
        if (total + frequency > within) break;
        kept.push(term);
        total += frequency;
      }
      return kept;
    };

    const all = rarestWithin(conjunctive);
    const tier1 = all.length >= 2 ? rankedBy(all, "and") : [];
    if (tier1.length >= limit) return toRanked(tier1);
    const some = rarestWithin(budget);
    const rarest = counted[0]!;
    const tier2 =
      some.length > 0
        ? rankedBy(some, "or")
        : rarest.frequency > unrankedAbove
          ? unranked.all(anyOf([rarest.term]), first, last, limit)
          : rankedFirst.all(anyOf([rarest.term]), first, last, budget, limit);
    const seen = new Set(tier1.map((row) => row.key));
    const rest = toRanked(tier2.filter((row) => !seen.has(row.key))).slice(0, limit - tier1.length);
    const top = toRanked(tier1);
    // Tier 1 stays above tier 2 however their separate bm25() scales compare.
    const lift = top.length > 0 && rest.length > 0 ? Math.max(0, rest[0]!.score - top.at(-1)!.score) : 0;
    return [...top.map(({ key, score }) => ({ key, score: score + lift })), ...rest];
  };
  return Object.assign(search, {
    forget: (indexKey: number) => {
      frequencies.forget(indexKey);
      scorer?.forget(indexKey);
    },
    forgetAll: () => {
      frequencies.forgetAll();
      scorer?.forgetAll();
    },
  });
}

/** Equal keys and bit-identical ranks, in the same order. */
function sameRows(ours: readonly Row[], theirs: readonly Row[]): boolean {
  return (
    ours.length === theirs.length &&
    ours.every((row, i) => row.key === theirs[i]!.key && Object.is(row.rank, theirs[i]!.rank))
  );
}

/** Chunks whose title or text contains any of `terms`: each a quoted string, so never an operator. */
function anyOf(terms: readonly string[]): string {
  return terms.map(fts5String).join(" OR ");
}

function allOf(terms: readonly string[]): string {
  return terms.map(fts5String).join(" AND ");
}

/** FTS5's bm25() is lower-is-better; the contract's scores are higher-is-better. */
function toRanked(rows: readonly Row[]): RankedKey[] {
  return rows.map(({ key, rank }) => ({ key, score: 0 - rank })); // 0 - 0 is +0, not -0
}
