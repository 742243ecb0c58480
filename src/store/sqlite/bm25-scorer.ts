/**
 * FTS5's `ORDER BY rank` (bm25()) for one agent's chunks, computed in JS from
 * cached postings, with the same result to the last bit.
 *
 * Why: bm25() counts every row of each phrase of the query, over the whole
 * table, for its idf, on every query, and reads every matching row's
 * position lists again: ranking the OR of a demo question's ~24 words cost
 * 0.58 ms against 0.18 ms unranked (117 chunks), a third of a retrieval-mode
 * turn. Here a word's postings within the agent (chunk, weighted count,
 * chunk length) are read once from the index itself (an `fts5vocab`
 * 'instance' table) and kept (`TermPostingsCache`), its idf once per change
 * of the table, and a query is a few Map updates.
 *
 * Exactness, against FTS5 3.53's `fts5Bm25Function` (sqlite3.c):
 * - the same formula and the same order of floating-point operations,
 *   phrases summed in the MATCH expression's order, `-1.0 * score`;
 * - idf = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6, with `ln` taken by
 *   SQLite (the C library's log, as FTS5's), N from FTS5's averages record and
 *   n from `count(*)` of the phrase's MATCH over the whole table (what its
 *   `fts5CountCb` counts);
 * - avgdl = (all columns' total tokens) / N, D from `%_docsize`
 *   (fts5-records.ts), per-column weights from the table's 'rank' setting;
 * - ties in the order FTS5's sort leaves them (SQLite's sorter is stable, and
 *   FTS5 feeds it in rowid order): ascending chunk key.
 * A word whose index postings do not count the same rows as its phrase's
 * MATCH (a word FTS5's tokenizer would split or fold differently) is not
 * scored here: `rank` returns undefined and the caller asks FTS5. So does a
 * word in more than `maxWalkedRows` chunks of the whole table (reading its
 * postings into JS would cost more than bm25() does), and a table whose
 * options this does not reproduce (detail or columnsize other than the
 * defaults, a rank function other than bm25 with numeric weights).
 * Checked word by word and query by query against bm25() in bm25-scorer.test.ts.
 */
import type { Database } from "better-sqlite3";
import { type Phrase, scoreAll, scoreAny } from "./bm25-formula.js";
import { fts5String } from "./fts5-query.js";
import { bm25ColumnWeights } from "./fts5-rank-weights.js";
import { readFts5Varints, sumFts5Varints } from "./fts5-records.js";
import { type Postings, TermPostingsCache } from "./term-postings-cache.js";

/** A word in more rows of the whole table than this is left to FTS5 (see the file comment). */
export const maxWalkedRows = 50_000;
/** Most occurrences of one word read from the index (a row may hold the word many times): past it, FTS5 ranks. */
export const maxWalkedInstances = 200_000;
/** Most words whose idf is kept. */
const maxKeptWords = 16_384;

/** A row as `SELECT rowid AS key, rank ... ORDER BY rank` returns it: rank is bm25(), lower is better. */
export interface Fts5Row {
  key: number;
  rank: number;
}

export interface Bm25Scorer {
  /**
   * The first `limit` rows of `terms` (each one phrase) joined by `join`,
   * within chunk keys first..first+used-1, as FTS5's `ORDER BY rank LIMIT`
   * returns them; undefined when this cannot be exact (then ask FTS5).
   */
  rank(
    indexKey: number,
    first: number,
    used: number,
    terms: readonly string[],
    join: "and" | "or",
    limit: number,
  ): Fts5Row[] | undefined;
  /** As `TermFrequencyCache`'s: the index's chunks changed (and with them the table's counts). */
  forget(indexKey: number): void;
  forgetAll(): void;
  /** `PRAGMA data_version`, read before each search: another connection's commit drops everything. */
  checkVersion(version: number): void;
}

interface WordStats {
  /** bm25()'s idf of the word's phrase. */
  idf: number;
  /** Rows of the whole table the phrase matches. */
  rows: number;
  /** False when the index's postings were seen not to be the phrase's matches. */
  exact: boolean;
}

/** The scorer for `chunks_fts`, or undefined when its options are not the ones reproduced here. */
export function createBm25Scorer(db: Database): Bm25Scorer | undefined {
  const weights = bm25ColumnWeights(db);
  if (weights === undefined) return undefined;
  // A temp table belongs to this connection and is made outside any transaction, before the first search.
  db.exec(
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instances USING fts5vocab(main, chunks_fts, instance)",
  );
  const instances = db
    .prepare<[string, number], [number, string]>(
      "SELECT doc, col FROM temp.chunks_fts_instances WHERE term = ? LIMIT ?",
    )
    .raw();
  const matches = db
    .prepare<[string], number>("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?")
    .pluck();
  const docsize = db.prepare<[number], Buffer>("SELECT sz FROM chunks_fts_docsize WHERE id = ?").pluck();
  const averagesRecord = db.prepare<[], Buffer>("SELECT block FROM chunks_fts_data WHERE id = 1").pluck();
  const ln = db.prepare<[number], number>("SELECT ln(?)").pluck();

  const postingsCache = new TermPostingsCache();
  const words = new Map<string, WordStats>();
  let averages: Buffer | undefined;
  let rowCount = 0;
  let avgdl = 0;
  let version: number | undefined;

  /**
   * N and avgdl, read per query. Any change of them (a row added or removed
   * anywhere in the table, a row's token count changed) drops every idf and
   * every kept postings as well: a safety net under `forget` for writes that
   * do not call it, at the cost of one read of a few bytes per query.
   */
  const readAverages = (): boolean => {
    const record = averagesRecord.get();
    if (record === undefined) return false;
    if (averages === undefined || !record.equals(averages)) {
      words.clear();
      postingsCache.forgetAll();
      averages = record;
      const [rows = 0, ...totals] = readFts5Varints(record);
      let tokens = 0;
      for (const total of totals) tokens += total;
      rowCount = rows;
      avgdl = tokens / rows;
    }
    return rowCount > 0;
  };

  const statsOf = (term: string): WordStats => {
    let stats = words.get(term);
    if (stats === undefined) {
      const rows = matches.get(fts5String(term))!;
      let idf = ln.get((rowCount - rows + 0.5) / (rows + 0.5))!;
      if (idf <= 0.0) idf = 1e-6;
      stats = { idf, rows, exact: true };
      if (words.size >= maxKeptWords) words.delete(words.keys().next().value!);
      words.set(term, stats);
    }
    return stats;
  };

  const postingsOf = (indexKey: number, first: number, used: number, term: string, stats: WordStats) => {
    const kept = postingsCache.get(indexKey, used, term);
    if (kept !== undefined || !stats.exact || stats.rows > maxWalkedRows) return kept;
    const last = first + used - 1;
    const postings: Postings = { docs: [], freqs: [], lengths: [] };
    let rows = 0;
    let previous = -Infinity;
    // all(), not iterate(): the connection runs no other statement while an iterator is open. Bounded: a word
    // repeated through many chunks (content a tenant wrote) is left to FTS5 rather than read whole into memory.
    const found = instances.all(term, maxWalkedInstances + 1);
    if (found.length > maxWalkedInstances) {
      stats.exact = false;
      return undefined;
    }
    for (const [doc, column] of found) {
      if (doc !== previous) {
        if (doc < previous) rows = Number.NaN; // not in rowid order: not what was checked, so not exact
        rows++;
        previous = doc;
        if (doc >= first && doc <= last) {
          postings.docs.push(doc);
          postings.freqs.push(0);
          postings.lengths.push(sumFts5Varints(docsize.get(doc)!));
        }
      }
      // bm25()'s aFreq: each instance adds its column's weight.
      if (doc >= first && doc <= last)
        postings.freqs[postings.freqs.length - 1]! += weights.get(column) ?? 1.0;
    }
    if (rows !== stats.rows) {
      stats.exact = false;
      return undefined;
    }
    postingsCache.set(indexKey, used, term, postings);
    return postings;
  };

  const rank: Bm25Scorer["rank"] = (indexKey, first, used, terms, join, limit) => {
    if (!readAverages()) return undefined;
    const phrases: Phrase[] = [];
    for (const term of terms) {
      const stats = statsOf(term);
      const postings = postingsOf(indexKey, first, used, term, stats);
      if (postings === undefined) return undefined;
      phrases.push({ idf: stats.idf, postings });
    }
    const scores = join === "or" ? scoreAny(phrases, avgdl) : scoreAll(phrases, avgdl);
    const rows: Fts5Row[] = [];
    for (const [key, score] of scores) rows.push({ key, rank: -1.0 * score });
    return rows.sort((x, y) => x.rank - y.rank || x.key - y.key).slice(0, limit);
  };

  return {
    rank,
    forget: (indexKey) => {
      postingsCache.forget(indexKey);
      words.clear();
    },
    forgetAll: () => {
      postingsCache.forgetAll();
      words.clear();
    },
    checkVersion: (next) => {
      if (version !== undefined && next !== version) {
        postingsCache.forgetAll();
        words.clear();
      }
      version = next;
    },
  };
}
