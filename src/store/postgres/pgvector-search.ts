/**
 * Vectors through pgvector, when the extension is in the database
 * (prepare-pgvector.ts created it and the `embedding_vector vector` column).
 * Every vector is written three ways: `code` and `embedding` as without
 * pgvector (so ALAMBIQUE_PG_VECTOR=off, or dropping the extension, finds
 * them all), and `embedding_vector` for pgvector.
 *
 * HNSW needs a fixed dimension, and agents may use different models: one
 * partial index per dimension, on `embedding_vector::vector(D)` where
 * `vector_dims(embedding_vector) = D`, made by the first `put` of a vector of
 * dimension D (pgvector indexes at most 2000 dimensions; larger vectors are
 * only searched exactly). The index spans every agent of that dimension, so a
 * search walks it with the agent as a filter: `hnsw.iterative_scan =
 * relaxed_order` (pgvector 0.8+) keeps walking until enough of the agent's
 * rows come out; when it still returns too few (an agent that is a small
 * share of a large index), the search is redone exactly. Agents with fewer
 * chunks than `exactBelow` are searched exactly from the start: pgvector's
 * distance over the agent's rows, no index. Scores are exact cosine either
 * way (rerankByCosine).
 */
import type { KnowledgeIndexRow } from "./postgres-knowledge-rows.js";
import {
  floatBytes,
  type PostgresVectorSearch,
  rerankByCosine,
  signBits,
} from "./postgres-knowledge-vectors.js";
import type { Sql } from "./postgres-sql.js";

export interface PgvectorSearchOptions {
  /** Agents with fewer chunks than this are searched exactly, without the index. */
  exactBelow: number;
  /** Whether this pgvector has `hnsw.iterative_scan` (0.8.0 and later). */
  iterativeScan: boolean;
}

/** The largest dimension pgvector's HNSW indexes for the `vector` type. */
export const maxHnswDimensions = 2000;

/**
 * Below this many chunks an agent is searched exactly (no recall loss).
 * Measured (bench/store-postgres.ts, PGlite): at 10k chunks of 384
 * dimensions the exact statement takes 38 ms and HNSW's 1 ms, so from there
 * the index; the crossover below 10k was not measured.
 */
export const defaultExactBelow = 10_000;

/**
 * `hnsw.ef_search`: candidates the walk keeps; at least twice the limit (pgvector's cap is 1000).
 * 200 for a top 10: recall@10 0.95 at 100k chunks of 384 dimensions, where 100 gave 0.91 (statement
 * 8 ms instead of 4.5 ms on PGlite; bench/store-postgres.ts --pgvector).
 */
export const efSearchFor = (limit: number): number => Math.min(1000, Math.max(200, 2 * limit));

/** The name of the HNSW index of dimension `dims` (an integer: it is spliced into DDL). */
export const hnswIndexName = (dims: number): string => `chunk_vectors_hnsw_${Math.trunc(dims)}`;

export function pgvectorSearch(options: PgvectorSearchOptions): PostgresVectorSearch {
  return {
    kind: "pgvector",
    async put(sql, indexKey, items) {
      const dims = items[0]?.vector.length;
      if (dims === undefined) return;
      if (dims <= maxHnswDimensions) await ensureHnswIndex(sql, dims);
      await sql.query(
        `UPDATE chunk_vectors v SET code = i.code::varbit, embedding = i.embedding, embedding_vector = i.vec::vector
         FROM unnest($2::bigint[], $3::text[], $4::bytea[], $5::text[]) AS i(key, code, embedding, vec)
         WHERE v.chunk_key = i.key AND v.index_key = $1`,
        [
          indexKey,
          items.map((i) => i.key),
          items.map((i) => signBits(i.vector)),
          items.map((i) => floatBytes(i.vector)),
          items.map((i) => vectorText(i.vector)),
        ],
      );
    },
    async search(sql, index, vector, limit) {
      if (index.chunk_count >= options.exactBelow && vector.length <= maxHnswDimensions) {
        const rows = await searchHnsw(sql, index, vector, limit, options.iterativeScan);
        // Fewer than asked (the filter starved the walk): only an exact search can tell whether more exist.
        if (rows.length >= Math.min(limit, index.chunk_count)) return rerankByCosine(rows, vector, limit);
      }
      return rerankByCosine(await searchExact(sql, index.key, vector, limit), vector, limit);
    },
  };
}

type CandidateRow = { chunk_key: string; embedding: Buffer };

/** The agent's nearest `limit` by the HNSW index of the query's dimension. */
export async function searchHnsw(
  sql: Sql,
  index: KnowledgeIndexRow,
  vector: Float32Array,
  limit: number,
  iterativeScan: boolean,
): Promise<CandidateRow[]> {
  const dims = Math.trunc(vector.length);
  return sql.atomic(async (tx) => {
    // Local to this transaction (or the caller's): other statements keep the server's settings.
    await tx.query(
      `SELECT set_config('hnsw.ef_search', $1, true)${iterativeScan ? ", set_config('hnsw.iterative_scan', 'relaxed_order', true)" : ""}`,
      [String(efSearchFor(limit))],
    );
    return tx.query<CandidateRow>(hnswQuery(dims), [index.key, vectorText(vector), limit]);
  });
}

/** The statement `searchHnsw` runs ($1 index key, $2 the query as vector text, $3 limit): for EXPLAIN. */
export const hnswQuery = (dims: number): string =>
  `SELECT chunk_key, embedding FROM chunk_vectors
   WHERE index_key = $1 AND vector_dims(embedding_vector) = ${dims}
   ORDER BY embedding_vector::vector(${dims}) <=> $2::vector(${dims}) LIMIT $3`;

/** The agent's nearest `limit` by exact cosine distance over all its vectors (the expression no index matches). */
async function searchExact(sql: Sql, indexKey: number, vector: Float32Array, limit: number) {
  return sql.query<CandidateRow>(exactQuery, [indexKey, vectorText(vector), limit]);
}

/** The statement of the exact search ($1 index key, $2 the query as vector text, $3 limit). */
export const exactQuery = `SELECT chunk_key, embedding FROM chunk_vectors
     WHERE index_key = $1 AND embedding_vector IS NOT NULL
     ORDER BY embedding_vector <=> $2::vector, chunk_key LIMIT $3`;

/**
 * Makes the HNSW index of dimension `dims` unless it exists: under a
 * transaction-scoped advisory lock, so that two writers of a new dimension
 * build it once. Building takes a SHARE lock on chunk_vectors until the
 * caller's transaction ends (writes of other agents wait), once per dimension.
 */
export async function ensureHnswIndex(sql: Sql, dims: number): Promise<void> {
  const name = hnswIndexName(dims);
  const [found] = await sql.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [
    name,
  ]);
  if (found?.present) return;
  await sql.atomic(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('alambique:chunk_vectors_hnsw'))");
    await tx.query(
      `CREATE INDEX IF NOT EXISTS ${name} ON chunk_vectors
       USING hnsw ((embedding_vector::vector(${Math.trunc(dims)})) vector_cosine_ops)
       WHERE vector_dims(embedding_vector) = ${Math.trunc(dims)}`,
    );
  });
}

/** pgvector's text form, `[x,y,…]`: each float32 printed exactly (JS prints the shortest round-trip double). */
export function vectorText(vector: Float32Array): string {
  return `[${Array.from(vector).join(",")}]`;
}
