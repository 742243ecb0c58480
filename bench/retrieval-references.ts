/**
 * The references bench/retrieval.ts measures our searches against, on the
 * same data in the same run:
 * - naive text search: `LIKE '%word%'` over every chunk (what a store without
 *   an index does), ORed over the query's words;
 * - exact BM25: the same FTS5 index, every match scored (no budget);
 * - brute-force float KNN: a sqlite-vec `vec0` table of float[384] with
 *   cosine distance, in its own file, scanning every vector.
 * Every result is a list of corpus indexes (the `i` in each chunk's metadata).
 */
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { chunkKeyRange } from "../src/store/sqlite/chunk-keys.js";
import { searchTerms } from "../src/store/sqlite/fts5-query.js";
import {
  createTextSearch,
  type TextSearchOptions,
} from "../src/store/sqlite/sqlite-knowledge-text-search.js";
import { createVectorIndex } from "../src/store/sqlite/sqlite-knowledge-vectors.js";

export interface References {
  /** The naive LIKE scan: the 10 chunks containing most of the words. */
  like(query: string): number[];
  /** Exact BM25, best first. */
  exactBm25(query: string, limit: number): number[];
  /** Our text search with other budgets (for the sweep). */
  textSearch(options: TextSearchOptions): (query: string, limit: number) => number[];
  /** Our vector search with other cell settings (for the sweep). */
  cellSearch(
    probedCells: number,
    candidatesPerCell: number,
  ): (vector: Float32Array, limit: number) => number[];
  /** Cells of the agent: how many, and their mean and largest size. */
  cells(): { count: number; mean: number; max: number };
  /** Adds vectors, by corpus index, to the float reference table. */
  addFloats(items: readonly { i: number; vector: Float32Array }[]): void;
  /** The exact nearest vectors, brute force over floats. */
  exactVector(vector: Float32Array, limit: number): number[];
  floatFileBytes(): number;
  close(): void;
}

export function openReferences(
  storeFile: string,
  floatFile: string,
  indexKey: number,
  dimension: number,
): References {
  const { first, last } = chunkKeyRange(indexKey);
  const store = new Database(storeFile, { readonly: true });
  sqliteVec.load(store);
  const floats = new Database(floatFile);
  sqliteVec.load(floats);
  floats.pragma("journal_mode = WAL");
  floats.pragma("synchronous = OFF");
  floats.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS floats USING vec0 (embedding float[${dimension}] distance_metric=cosine)`,
  );
  const insertFloat = floats.prepare("INSERT INTO floats (rowid, embedding) VALUES (CAST(? AS INTEGER), ?)");
  const addFloats = floats.transaction((items: readonly { i: number; vector: Float32Array }[]) => {
    for (const { i, vector } of items) insertFloat.run(i, blob(vector));
  });
  const indexOfKey = store
    .prepare<[number], number>("SELECT metadata ->> '$.i' FROM chunks WHERE key = ?")
    .pluck();
  const used = () =>
    store.prepare("SELECT next_chunk FROM knowledge_indexes WHERE key = ?").pluck().get(indexKey) as number;
  const toIndexes = (keys: readonly number[]) => keys.map((key) => indexOfKey.get(key)!);
  const nearestFloats = floats
    .prepare<[Buffer, number], number>(
      "SELECT rowid FROM floats WHERE embedding MATCH ? AND k = ? ORDER BY distance",
    )
    .pluck();
  const exact = createTextSearch(store, { budget: Number.POSITIVE_INFINITY });
  return {
    like(query) {
      const words = searchTerms(query, 8);
      if (words.length === 0) return [];
      // Ranked by how many of the words a chunk contains: a full scan, as a store without an index does.
      const matched = words.map(() => "(text LIKE ?)").join(" + ");
      return store
        .prepare<string[], number>(
          `SELECT metadata ->> '$.i' FROM chunks WHERE key BETWEEN ${first} AND ${last} AND ${matched} > 0
           ORDER BY ${matched} DESC LIMIT 10`,
        )
        .pluck()
        .all(...words.map((word) => `%${word}%`), ...words.map((word) => `%${word}%`));
    },
    exactBm25: (query, limit) => toIndexes(exact(indexKey, used(), query, limit).map((hit) => hit.key)),
    textSearch(options) {
      const search = createTextSearch(store, options);
      return (query, limit) => toIndexes(search(indexKey, used(), query, limit).map((hit) => hit.key));
    },
    cellSearch(probedCells, candidatesPerCell) {
      const index = createVectorIndex(store, {
        probedCells,
        candidatesPerCell,
        rerankedCandidates: candidatesPerCell,
      });
      return (vector, limit) => toIndexes(index.search(indexKey, vector, limit).map((hit) => hit.key));
    },
    cells: () =>
      store
        .prepare(
          "SELECT count(*) AS count, avg(size) AS mean, max(size) AS max FROM knowledge_cells WHERE index_key = ?",
        )
        .get(indexKey) as { count: number; mean: number; max: number },
    addFloats: (items) => addFloats(items),
    exactVector: (vector, limit) => nearestFloats.all(blob(vector), limit),
    floatFileBytes: () =>
      floats
        .prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        .pluck()
        .get() as number,
    close() {
      store.close();
      floats.close();
    },
  };
}

function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
