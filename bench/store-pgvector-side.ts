/**
 * The pgvector side of bench/store-postgres.ts: one agent's `size` chunks of
 * the synthetic corpus bulk-loaded by SQL (text search is not measured here:
 * the chunks get no tsvector), then the same queries through the store's
 * three vector paths on the same engine: pgvector's HNSW index, pgvector's
 * exact distance over the agent's rows, and the sign-bit scan used without
 * pgvector (ALAMBIQUE_PG_VECTOR=off). Recall@10 is against exact cosine.
 *
 * The engine is PGlite with pgvector (WASM, single-threaded: slower than a
 * native server; compare the paths' ratios, not absolute times), or a
 * server at `--pgvector-url` that has pgvector (its `vector` extension and
 * this store's schema are created there: give it an empty database), or the
 * bench's own native server (`--pgvector-native`, pgvector from
 * .ci/build-pgvector.sh). Without `hnsw` (sizes whose index build would not
 * fit the time), only the fallback is measured: the scan through the store
 * and its statement alone.
 */
import pg from "pg";
import type { Store } from "../src/spec/store.js";
import { openPostgresStore } from "../src/store/postgres/open-postgres-store.js";
import { startPgliteServer } from "../src/store/postgres/pglite-pgvector.fixture.js";
import { efSearchFor, exactQuery, hnswQuery, vectorText } from "../src/store/postgres/pgvector-search.js";
import {
  floatBytes,
  rerankedCandidates,
  scanQuery,
  signBits,
} from "../src/store/postgres/postgres-knowledge-vectors.js";
import type { Corpus } from "./retrieval-corpus.js";
import { meanOverlap, ms, timeEach, timing } from "./retrieval-measure.js";

export interface PgvectorSideInput {
  /** A server with pgvector; default a PGlite started here. */
  url?: string | undefined;
  corpus: Corpus;
  size: number;
  queries: { vector: Float32Array }[];
  /** The exact top 10 chunk numbers of each query. */
  exact: number[][];
  log: (message: string) => void;
  /** Build and measure the HNSW index (default true). */
  hnsw?: boolean | undefined;
  /** The engine's name in the table (default from `url`). */
  name?: string | undefined;
}

const batch = 2000;

export async function pgvectorSide(input: PgvectorSideInput): Promise<string[][]> {
  const { corpus, size, log } = input;
  const pglite = input.url ? undefined : await startPgliteServer();
  const url = input.url ?? pglite!.url;
  const name = input.name ?? (pglite ? "pgvector (PGlite, WASM)" : "pgvector (server)");
  const withHnsw = input.hnsw ?? true;
  try {
    // PGlite is one session: this reaches the store's connection, so the index builds in memory.
    await pglite?.db.exec("SET maintenance_work_mem = '1GB'");
    const setup = await openPostgresStore({ url, poolSize: 1, pgvector: "auto" });
    const tenant = await setup.tenants.create({ slug: `pgv-${Date.now()}`, name: "Bench" });
    const agent = await setup.agents.create({ tenantId: tenant.id, name: "helper", spec: {} });
    const ids = { tenantId: tenant.id, agentId: agent.id };
    const source = await setup.knowledge.putSource({
      ...ids,
      uri: "bulk.md",
      kind: "text",
      contentHash: "bulk",
      bytes: 0,
      chunks: [{ ordinal: 0, text: "seed", title: null, location: "seed", metadata: { i: -1 } }],
    });
    await setup.close();
    log(`${name}: loading ${size} chunks with vectors`);
    const loadMs = await bulkLoad(url, ids, source.id, corpus, size);
    const stores: [string, Store][] = [];
    const rows: string[][] = [];
    try {
      if (withHnsw) {
        log(`${name}: building the HNSW index (at open)`);
        const started = performance.now();
        stores.push(["HNSW", await openPostgresStore({ url, poolSize: 1, pgvectorExactBelow: 0 })]);
        const indexMs = performance.now() - started;
        rows.push([name, `${size} chunks: bulk load / HNSW build`, `${s(loadMs)} / ${s(indexMs)} s`]);
        const exact = await openPostgresStore({
          url,
          poolSize: 1,
          pgvectorExactBelow: Number.POSITIVE_INFINITY,
        });
        stores.push(["exact (pgvector)", exact]);
      } else {
        rows.push([name, `${size} chunks: bulk load (no HNSW index)`, `${s(loadMs)} s`]);
      }
      stores.push(["sign-bit scan", await openPostgresStore({ url, poolSize: 1, pgvector: "off" })]);
      for (const [path, store] of stores) {
        log(`${name}: ${path}`);
        rows.push(...(await measure(store, ids, input, `${name} ${path}`)));
      }
      log(`${name}: the statements alone (EXPLAIN ANALYZE)`);
      rows.push(...(await measureStatements(url, ids, input, name, withHnsw)));
    } finally {
      await Promise.all(stores.map(([, store]) => store.close()));
    }
    return rows;
  } finally {
    await pglite?.stop();
  }
}

async function measure(
  store: Store,
  ids: { tenantId: string; agentId: string },
  input: PgvectorSideInput,
  name: string,
): Promise<string[][]> {
  for (const query of input.queries.slice(0, 5)) {
    await store.knowledge.searchVector(ids.tenantId, ids.agentId, query.vector, 10);
  }
  const timed = await timeEach(input.queries, (q) =>
    store.knowledge.searchVector(ids.tenantId, ids.agentId, q.vector, 10),
  );
  const recall = meanOverlap(
    timed.results.map((hits) => hits.map((hit) => hit.chunk.metadata.i as number)),
    input.exact,
  );
  return [
    [name, `${input.size} chunks: vector p50 / p95 / p99`, percentiles(timed.ms)],
    [name, `${input.size} chunks: vector recall@10 vs exact`, recall.toFixed(2)],
  ];
}

/**
 * Each path's statement alone, as the server times it (EXPLAIN ANALYZE's
 * execution time): without the round trips, the transaction and the
 * re-ranking around it, which dominate on PGlite's socket.
 */
async function measureStatements(
  url: string,
  ids: { tenantId: string; agentId: string },
  input: PgvectorSideInput,
  name: string,
  withHnsw: boolean,
): Promise<string[][]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [index] = (
      await client.query<{ key: string }>(
        "SELECT key FROM knowledge_indexes WHERE tenant_id = $1 AND agent_id = $2",
        [ids.tenantId, ids.agentId],
      )
    ).rows;
    const dims = input.corpus.dimension;
    await client.query(`SELECT set_config('hnsw.ef_search', '${efSearchFor(10)}', false)`);
    await client.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', false)");
    const paths: [string, string, (q: Float32Array) => unknown[]][] = [
      ["HNSW", hnswQuery(dims), (q) => [index!.key, vectorText(q), 10]],
      ["exact (pgvector)", exactQuery, (q) => [index!.key, vectorText(q), 10]],
      ["sign-bit scan", scanQuery, (q) => [index!.key, signBits(q), rerankedCandidates]],
    ];
    // Without the index (a size whose build would not fit the time), the fallback alone.
    if (!withHnsw) paths.splice(0, 2);
    const rows: string[][] = [];
    for (const [path, text, values] of paths) {
      const took: number[] = [];
      let usesIndex = false;
      for (const query of input.queries) {
        const plan = (await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values(query.vector)))
          .rows[0]["QUERY PLAN"][0];
        took.push(plan["Execution Time"] as number);
        usesIndex ||= JSON.stringify(plan).includes("chunk_vectors_hnsw_");
      }
      rows.push([
        `${name} ${path}`,
        `${input.size} chunks: statement alone p50 / p95 / p99${usesIndex ? " (HNSW index in plan)" : ""}`,
        percentiles(took),
      ]);
    }
    return rows;
  } finally {
    await client.end();
  }
}

const s = (milliseconds: number) => (milliseconds / 1000).toFixed(1);

/** `p50 / p95 / p99 ms` of `samples` (milliseconds). */
function percentiles(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const t = timing(samples);
  return `${ms(t.p50)} / ${ms(t.p95)} / ${ms(at(0.99))} ms`;
}

/** Chunks (empty tsvector) and their vectors, `batch` per statement, as putVectors would store them. */
async function bulkLoad(
  url: string,
  ids: { tenantId: string; agentId: string },
  sourceId: string,
  corpus: Corpus,
  size: number,
): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    const [index] = (
      await client.query<{ key: string }>(
        "UPDATE knowledge_indexes SET embedding_model = 'synthetic-384', embedding_dimension = $3 WHERE tenant_id = $1 AND agent_id = $2 RETURNING key",
        [ids.tenantId, ids.agentId, corpus.dimension],
      )
    ).rows;
    const vectorOid = Number(
      (await client.query<{ oid: string }>("SELECT 'vector'::regtype::oid AS oid")).rows[0]!.oid,
    );
    for (let first = 0; first < size; first += batch) {
      const numbers = Array.from({ length: Math.min(batch, size - first) }, (_, n) => first + n);
      const vectors = numbers.map((i) => corpus.vector(i));
      // Binary arrays: WASM parses float text slowly (seconds per batch); the binary forms are copied.
      await client.query(
        `WITH c AS (
           INSERT INTO chunks (id, index_key, source_id, ordinal, text, location, metadata, language, words, tsv)
           SELECT 'bulk-' || i, $1, $2, i + 1, 'chunk ' || i, 'bulk', json_build_object('i', i), 'simple', 2, ''::tsvector
           FROM unnest($3::int[]) AS i RETURNING key, ordinal)
         INSERT INTO chunk_vectors (chunk_key, index_key, code, embedding, embedding_vector)
         SELECT c.key, $1, v.code::varbit, v.embedding, v.vec::vector
         FROM c JOIN unnest($3::int[], $4::text[], $5::bytea[], $6::vector[]) AS v(i, code, embedding, vec) ON c.ordinal = v.i + 1`,
        [
          index!.key,
          sourceId,
          numbers,
          vectors.map(signBits),
          binaryArray(17, vectors.map(floatBytes)),
          binaryArray(vectorOid, vectors.map(vectorBinary)),
        ],
      );
    }
    await client.query("ANALYZE chunk_vectors; ANALYZE chunks");
  } finally {
    await client.end();
  }
  return performance.now() - started;
}

/** PostgreSQL's binary array (array_recv): one dimension, no nulls, elements of type `oid`. */
function binaryArray(oid: number, elements: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(20);
  head.writeInt32BE(1, 0);
  head.writeInt32BE(0, 4);
  head.writeInt32BE(oid, 8);
  head.writeInt32BE(elements.length, 12);
  head.writeInt32BE(1, 16);
  const parts: Buffer[] = [head];
  for (const element of elements) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(element.length, 0);
    parts.push(length, element);
  }
  return Buffer.concat(parts);
}

/** pgvector's binary form (vector_recv): int16 dimensions, int16 0, then big-endian float4s. */
function vectorBinary(vector: Float32Array): Buffer {
  const out = Buffer.alloc(4 + 4 * vector.length);
  out.writeInt16BE(vector.length, 0);
  for (let i = 0; i < vector.length; i++) out.writeFloatBE(vector[i]!, 4 + 4 * i);
  return out;
}
