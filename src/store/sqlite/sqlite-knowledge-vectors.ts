/**
 * Vectors of the knowledge index: storage, the model/dimension rule, and
 * nearest-neighbour search in bounded time at any size.
 *
 * sqlite-vec 0.1.9 searches by brute force (measured: about 30 ns per binary
 * vector and 0.4 µs per float one, plus a top-k selection that costs about
 * k × 2.5 ns per vector), 20–40 ms over a million vectors even as bits. So an
 * agent's vectors are divided into cells, an inverted-file index built
 * incrementally (vector-cells.ts): a new vector joins the cell whose centroid
 * is nearest by cosine, and a cell that outgrows `maxCellSize` is replaced by
 * two, by 2-means on its vectors (`splitInTwo`) — bounded work per write, no
 * global retraining. A search takes the `probedCells` cells whose centroids
 * are nearest the query (vec0, float), the Hamming-nearest binary codes in
 * each (vec0, bits; more from the nearest cells, where most neighbours are),
 * and re-ranks them by exact cosine on the float32 vectors in
 * `chunk_vectors`. Scores are exact (1 - cosine distance); what is
 * approximate is which chunks are considered (recall@10: bench/retrieval.ts).
 */
import type { Database } from "better-sqlite3";
import { ValidationError } from "../../spec/errors.js";
import { splitInTwo } from "./split-in-two.js";
import type { KnowledgeIndexRow, RankedKey } from "./sqlite-knowledge-rows.js";
import { createCellStatements, openCellBatch, unitOf } from "./vector-cells.js";
import { blobFloats, createVectorTablesCache, floatBlob, paddedBlob } from "./vector-tables.js";

/** A cell with more vectors is split in two. */
export const maxCellSize = 4096;
/** How many cells a search reads (all of them while an agent has fewer). */
export const probedCells = 8;
/**
 * Hamming-nearest codes taken from the nearest cell; the n-th nearest gives
 * 1/n of it, at least 16 (most true neighbours are in the first cell:
 * 84% at 1M vectors, measured).
 */
export const candidatesPerCell = 192;
/** Of those, the Hamming-nearest this many (or twice the limit) are re-ranked by exact cosine. */
export const rerankedCandidates = 192;

export interface VectorIndexOptions {
  /** Override the constants above (for tests and the benchmark's sweep). */
  maxCellSize?: number;
  probedCells?: number;
  candidatesPerCell?: number;
  rerankedCandidates?: number;
}

export interface VectorIndex {
  /** Fails with ValidationError when `model`/`dimension` differ from the agent's vectors (and it has any). */
  assertModel(index: KnowledgeIndexRow, model: string, dimension: number): void;
  /** Whether the agent has at least one vector. */
  hasVectors(indexKey: number): boolean;
  /** Stores (or replaces) the vectors of chunks of the index, all of one dimension. */
  putAll(indexKey: number, items: readonly { key: number; vector: Float32Array }[]): void;
  /** Nearest chunks by cosine distance, best first; score = 1 - distance. */
  search(indexKey: number, vector: Float32Array, limit: number): RankedKey[];
}

export function createVectorIndex(db: Database, options: VectorIndexOptions = {}): VectorIndex {
  const cellLimit = options.maxCellSize ?? maxCellSize;
  const probes = options.probedCells ?? probedCells;
  const firstK = options.candidatesPerCell ?? candidatesPerCell;
  const reranked = options.rerankedCandidates ?? rerankedCandidates;
  const tablesOf = createVectorTablesCache(db);
  const cellStatements = createCellStatements(db);
  const present = db.prepare<[number], number>(
    "SELECT 1 FROM knowledge_cells WHERE index_key = ? AND size > 0 LIMIT 1",
  );
  const setModel = db.prepare<[string, number, number]>(
    "UPDATE knowledge_indexes SET embedding_model = ?, embedding_dimension = ? WHERE key = ?",
  );
  const dropCells = db.prepare<[number]>("DELETE FROM knowledge_cells WHERE index_key = ?");
  const cellOf = db
    .prepare<[number], number | null>("SELECT cell FROM chunk_vectors WHERE chunk_key = ?")
    .pluck();
  const setVector = db.prepare<[Buffer, number, number]>(
    "UPDATE chunk_vectors SET embedding = ?, cell = ? WHERE chunk_key = ?",
  );
  const moveVector = db.prepare<[number, number]>("UPDATE chunk_vectors SET cell = ? WHERE chunk_key = ?");
  const members = db.prepare<[number], { chunk_key: number; embedding: Buffer }>(
    "SELECT chunk_key, embedding FROM chunk_vectors WHERE cell = ?",
  );
  const rerank = db.prepare<[Buffer, string, number], { key: number; distance: number }>(
    `SELECT chunk_key AS key, vec_distance_cosine(embedding, ?) AS distance
     FROM chunk_vectors WHERE chunk_key IN (SELECT value FROM json_each(?))
     ORDER BY distance LIMIT ?`,
  );

  return {
    assertModel(index, model, dimension) {
      const known = index.embedding_model;
      if (known === model && index.embedding_dimension === dimension) return;
      if (known !== null && present.get(index.key) !== undefined) {
        throw vectorMismatch(
          `${known} (${index.embedding_dimension} dimensions)`,
          `${model} (${dimension} dimensions)`,
          ["model"],
        );
      }
      // No vectors left from the old model: its cells would only mislead the new one.
      dropCells.run(index.key);
      setModel.run(model, dimension, index.key);
      index.embedding_model = model;
      index.embedding_dimension = dimension;
    },
    hasVectors: (indexKey) => present.get(indexKey) !== undefined,
    putAll(indexKey, items) {
      if (items.length === 0) return;
      const tables = tablesOf(items[0]!.vector.length, true)!;
      const cells = openCellBatch(cellStatements, tables, indexKey);
      for (const { key, vector } of items) {
        const padded = paddedBlob(vector);
        const oldCell = cellOf.get(key);
        if (oldCell !== null && oldCell !== undefined) {
          tables.removeBits(key);
          cells.remove(oldCell);
        }
        const unit = unitOf(vector);
        const cell = cells.nearest(unit);
        tables.insertBits(key, cell, padded);
        setVector.run(floatBlob(vector), cell, key);
        if (cells.add(cell, unit) <= cellLimit) continue;
        // Too big: two new cells take every member, so each one's vec0 rows are dense.
        const rows = members.all(cell);
        const units = rows.map((row) => unitOf(blobFloats(row.embedding)));
        const { side } = splitInTwo(units);
        const halves = [0, 1].map((half) => {
          const sum = new Float32Array(vector.length);
          let size = 0;
          units.forEach((member, i) => {
            if (side[i] !== half) return;
            size += 1;
            for (let d = 0; d < sum.length; d++) sum[d]! += member[d]!;
          });
          return { size, sum };
        });
        const ids = cells.replace(cell, halves);
        rows.forEach((row, i) => {
          const target = ids[side[i]!]!;
          tables.removeBits(row.chunk_key);
          tables.insertBits(row.chunk_key, target, paddedBlob(blobFloats(row.embedding)));
          moveVector.run(target, row.chunk_key);
        });
      }
      cells.flush();
    },
    search(indexKey, vector, limit) {
      const tables = tablesOf(vector.length, false);
      if (!tables) return [];
      const padded = paddedBlob(vector);
      const least = Math.max(16, Math.ceil((2 * limit) / probes));
      const candidates = tables
        .nearestCells(floatBlob(vector), indexKey, probes)
        .flatMap((cell, rank) =>
          tables.nearestInCell(padded, cell, Math.min(4096, Math.max(least, Math.ceil(firstK / (rank + 1))))),
        );
      if (candidates.length === 0) return [];
      // Hamming distances compare across cells: keep the best, then pay for exact cosine only on those.
      const keys = candidates
        .sort((a, b) => a.distance - b.distance)
        .slice(0, Math.max(reranked, 2 * limit))
        .map((candidate) => candidate.key);
      return rerank
        .all(floatBlob(vector), JSON.stringify(keys), limit)
        .map(({ key, distance }) => ({ key, score: 1 - distance }));
    },
  };
}

/**
 * The ValidationError for vectors that do not match the agent's: `expected`
 * and `got` name a model and its dimension.
 */
export function vectorMismatch(expected: string, got: string, path: (string | number)[]): ValidationError {
  return new ValidationError(
    `this agent's vectors come from ${expected}, not ${got}`,
    [{ path, message: `expected vectors from ${expected}` }],
    "Embed with the agent's model, or re-embed everything: remove and add the agent's sources again, then embed them with the new model.",
  );
}

/**
 * Throws ValidationError unless `vector` is a Float32Array of finite numbers
 * with a direction (cosine distance is undefined for the zero vector).
 */
export function assertVector(vector: unknown, path: (string | number)[]): asserts vector is Float32Array {
  const where = path.join(".");
  const fail = (message: string): never => {
    throw new ValidationError(
      `${where} ${message}`,
      [{ path, message }],
      "Pass the embedding model's output as a Float32Array (new Float32Array(numbers)).",
    );
  };
  if (!(vector instanceof Float32Array)) return fail("is not a Float32Array");
  if (vector.length === 0 || vector.length > 8192)
    fail(`has ${vector.length} dimensions; expected 1 to 8192`);
  let norm = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) fail("contains a value that is not a finite number");
    norm += value * value;
  }
  if (norm === 0) fail("is all zeros, so it has no direction to compare");
}
