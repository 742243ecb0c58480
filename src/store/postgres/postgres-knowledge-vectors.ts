/**
 * Vectors on PostgreSQL without pgvector (it is not in Debian 12's
 * packages): each vector is kept twice in `chunk_vectors`, as float32
 * (`embedding`, out of line) and as its sign bits (`code`, a `bit varying`
 * of the dimension). A search scans the agent's codes by Hamming distance
 * (`bit_count(code # query)`, C code inside the server, over narrow rows),
 * keeps the nearest `rerankedCandidates` (or 4 × limit), and re-ranks those
 * by exact cosine here, from their float32 vectors. Scores are exact; which
 * chunks are considered is approximate (recall and cost: README, "The store").
 * The scan is linear in the agent's vectors: beyond the sizes measured
 * there, install pgvector, which `pgvectorSearch` (pgvector-search.ts) then
 * uses instead; this scan is the fallback when it is absent or turned off.
 */
import { ValidationError } from "../../spec/errors.js";
import type { KnowledgeIndexRow, RankedKey } from "./postgres-knowledge-rows.js";
import type { Sql } from "./postgres-sql.js";

/**
 * How an open store writes and searches vectors: `scanVectorSearch` (here,
 * without pgvector) or `pgvectorSearch` (with it). Both keep `code` and
 * `embedding` as described above, and both return exact cosine scores
 * computed here from `embedding`, best first, ties by chunk key.
 */
export interface PostgresVectorSearch {
  readonly kind: "scan" | "pgvector";
  /** Stores (or replaces) the vectors of chunks of the index; all of one dimension. */
  put(sql: Sql, indexKey: number, items: readonly { key: number; vector: Float32Array }[]): Promise<void>;
  /** The agent's nearest chunks to `vector` (of the index's dimension), at most `limit`. */
  search(sql: Sql, index: KnowledgeIndexRow, vector: Float32Array, limit: number): Promise<RankedKey[]>;
}

export const scanVectorSearch: PostgresVectorSearch = {
  kind: "scan",
  put: putVectorRows,
  search: (sql, index, vector, limit) => searchVectors(sql, index.key, vector, limit),
};

/** Hamming-nearest codes re-ranked by exact cosine (at least; 4 × limit when larger). */
export const rerankedCandidates = 400;

/** Whether the agent has at least one vector. */
export async function hasVectors(sql: Sql, indexKey: number): Promise<boolean> {
  const rows = await sql.query(
    "SELECT 1 FROM chunk_vectors WHERE index_key = $1 AND code IS NOT NULL LIMIT 1",
    [indexKey],
  );
  return rows.length > 0;
}

/**
 * Makes `model`/`dimension` the agent's, or throws ValidationError when the
 * agent still has vectors of another. `index` is updated in place.
 */
export async function assertVectorModel(
  sql: Sql,
  index: KnowledgeIndexRow,
  model: string,
  dimension: number,
): Promise<void> {
  const known = index.embedding_model;
  if (known === model && index.embedding_dimension === dimension) return;
  if (known !== null && (await hasVectors(sql, index.key))) {
    throw vectorMismatch(
      `${known} (${index.embedding_dimension} dimensions)`,
      `${model} (${dimension} dimensions)`,
      ["model"],
    );
  }
  await sql.query(
    "UPDATE knowledge_indexes SET embedding_model = $1, embedding_dimension = $2 WHERE key = $3",
    [model, dimension, index.key],
  );
  index.embedding_model = model;
  index.embedding_dimension = dimension;
}

/** Stores (or replaces) the vectors of chunks of the index, in one statement. */
export async function putVectorRows(
  sql: Sql,
  indexKey: number,
  items: readonly { key: number; vector: Float32Array }[],
): Promise<void> {
  await sql.query(
    `UPDATE chunk_vectors v SET code = i.code::varbit, embedding = i.embedding
     FROM unnest($2::bigint[], $3::text[], $4::bytea[]) AS i(key, code, embedding)
     WHERE v.chunk_key = i.key AND v.index_key = $1`,
    [
      indexKey,
      items.map((i) => i.key),
      items.map((i) => signBits(i.vector)),
      items.map((i) => floatBytes(i.vector)),
    ],
  );
}

/** The scan's statement: $1 index key, $2 the query's sign bits, $3 candidates. */
export const scanQuery = `WITH near AS MATERIALIZED (
       SELECT chunk_key FROM chunk_vectors WHERE index_key = $1 AND code IS NOT NULL
       ORDER BY bit_count(code # $2::varbit), chunk_key LIMIT $3)
     SELECT v.chunk_key, v.embedding FROM near JOIN chunk_vectors v USING (chunk_key)`;

/** Nearest chunks by cosine distance, best first; score = 1 − distance. */
export async function searchVectors(
  sql: Sql,
  indexKey: number,
  vector: Float32Array,
  limit: number,
  candidates = rerankedCandidates,
): Promise<RankedKey[]> {
  const rows = await sql.query<{ chunk_key: string; embedding: Buffer }>(scanQuery, [
    indexKey,
    signBits(vector),
    Math.max(candidates, 4 * limit),
  ]);
  return rerankByCosine(rows, vector, limit);
}

/** Candidates (their float32 `embedding`) ranked by exact cosine to `vector`, best first, at most `limit`. */
export function rerankByCosine(
  rows: readonly { chunk_key: string | number; embedding: Buffer }[],
  vector: Float32Array,
  limit: number,
): RankedKey[] {
  const queryNorm = Math.sqrt(dot(vector, vector));
  return rows
    .map((row) => {
      const stored = bytesFloats(row.embedding);
      const cosine = dot(vector, stored) / (queryNorm * Math.sqrt(dot(stored, stored)));
      return { key: Number(row.chunk_key), score: cosine };
    })
    .sort((x, y) => y.score - x.score || x.key - y.key)
    .slice(0, limit);
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

/** `vector` as the text of a `bit varying`: one bit per dimension, 1 where it is positive. */
export function signBits(vector: Float32Array): string {
  let bits = "";
  for (const value of vector) bits += value > 0 ? "1" : "0";
  return bits;
}

/** `vector` as its float32 bytes (this machine's order, little-endian on every platform Node runs on). */
export function floatBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** The inverse of `floatBytes`. */
export function bytesFloats(bytes: Buffer): Float32Array {
  // Copied: the driver's Buffer need not be 4-byte aligned.
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
