/**
 * Vectors of the knowledge index: storage, the model/dimension rule, and
 * nearest-neighbour search in bounded time at any size.
 *
 * sqlite-vec 0.1.9 searches by brute force (measured: about 30 ns per binary
 * vector and 0.4 µs per float one, plus a top-k selection that costs about
 * k × 2.5 ns per vector), 20–40 ms over a million vectors even as bits. So an
 * agent's vectors are divided into cells, an inverted-file index built
 * incrementally: a new vector joins the cell whose float centroid is nearest
 * by cosine, and a cell that outgrows `maxCellSize` is replaced by two new
 * cells, by 2-means on its vectors (`splitInTwo`) — bounded work per write,
 * no global retraining. A search takes the `probedCells` cells nearest the
 * query, the Hamming-nearest binary codes in each, and re-ranks them by exact
 * cosine on the float32 vectors in `chunk_vectors`. Scores are exact
 * (1 - cosine distance); what is approximate is which chunks are considered
 * (recall@10 in bench/retrieval.ts).
 */
import type { Database } from "better-sqlite3";
import { ValidationError } from "../../spec/errors.js";
import { splitInTwo } from "./split-in-two.js";
import type { KnowledgeIndexRow, RankedKey } from "./sqlite-knowledge-rows.js";
import {
  blobFloats,
  createVectorTablesCache,
  floatBlob,
  paddedBlob,
  type VectorTables,
} from "./vector-tables.js";

/** A cell with more vectors is split in two. */
export const maxCellSize = 4096;
/** How many cells a search reads (all of them while an agent has fewer). */
export const probedCells = 16;
/** Hamming-nearest vectors taken from each probed cell, at least. */
export const candidatesPerCell = 24;

export interface VectorIndex {
  /** Fails with ValidationError when `model`/`dimension` differ from the agent's vectors (and it has any). */
  assertModel(index: KnowledgeIndexRow, model: string, dimension: number): void;
  /** Whether the agent has at least one vector. */
  hasVectors(indexKey: number): boolean;
  /** Stores (or replaces) the vector of one chunk of the index. */
  put(indexKey: number, chunkKey: number, vector: Float32Array): void;
  /** Nearest chunks by cosine distance, best first; score = 1 - distance. */
  search(indexKey: number, vector: Float32Array, limit: number): RankedKey[];
}

export interface VectorSearchOptions {
  /** Overrides `probedCells` (for benchmarks). */
  probedCells?: number;
  /** Overrides `candidatesPerCell` (for benchmarks). */
  candidatesPerCell?: number;
}

export function createVectorIndex(db: Database, options: VectorSearchOptions = {}): VectorIndex {
  const probes = options.probedCells ?? probedCells;
  const leastPerCell = options.candidatesPerCell ?? candidatesPerCell;
  const tablesOf = createVectorTablesCache(db);
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
  const newCell = db
    .prepare<[number, number], number>(
      "INSERT INTO knowledge_cells (index_key, size) VALUES (?, ?) RETURNING cell",
    )
    .pluck();
  const resize = db
    .prepare<[number, number], number>(
      "UPDATE knowledge_cells SET size = size + ? WHERE cell = ? RETURNING size",
    )
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

  const removeCell = db.prepare<[number]>("DELETE FROM knowledge_cells WHERE cell = ?");

  /**
   * Replaces `cell` by two new cells. Every member moves, so each new cell's
   * vec0 rows are dense (the old cell's slots are left empty, never scanned).
   */
  const split = (indexKey: number, cell: number, tables: VectorTables): void => {
    const rows = members.all(cell);
    const { side, means } = splitInTwo(rows.map((row) => blobFloats(row.embedding)));
    const moved = side.reduce((sum, value) => sum + value, 0);
    const halves = [newCell.get(indexKey, rows.length - moved)!, newCell.get(indexKey, moved)!] as const;
    tables.insertCentroid(halves[0], indexKey, floatBlob(means[0]));
    tables.insertCentroid(halves[1], indexKey, floatBlob(means[1]));
    rows.forEach((row, i) => {
      const target = halves[side[i]!]!;
      tables.removeBits(row.chunk_key);
      tables.insertBits(row.chunk_key, target, paddedBlob(blobFloats(row.embedding)));
      moveVector.run(target, row.chunk_key);
    });
    removeCell.run(cell);
  };

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
    put(indexKey, chunkKey, vector) {
      const tables = tablesOf(vector.length, true)!;
      const padded = paddedBlob(vector);
      const floats = floatBlob(vector);
      const oldCell = cellOf.get(chunkKey);
      if (oldCell !== null && oldCell !== undefined) {
        tables.removeBits(chunkKey);
        resize.get(-1, oldCell);
      }
      let cell = tables.nearestCells(floats, indexKey, 1)[0];
      if (cell === undefined) {
        cell = newCell.get(indexKey, 0)!;
        tables.insertCentroid(cell, indexKey, floats);
      }
      tables.insertBits(chunkKey, cell, padded);
      setVector.run(floats, cell, chunkKey);
      if (resize.get(1, cell)! > maxCellSize) split(indexKey, cell, tables);
    },
    search(indexKey, vector, limit) {
      const tables = tablesOf(vector.length, false);
      if (!tables) return [];
      const padded = paddedBlob(vector);
      const perCell = Math.max(leastPerCell, Math.ceil((2 * limit) / probes));
      const candidates = tables
        .nearestCells(floatBlob(vector), indexKey, probes)
        .flatMap((cell) => tables.nearestInCell(padded, cell, perCell));
      if (candidates.length === 0) return [];
      const keys = candidates.map((candidate) => candidate.key);
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
