/**
 * The PostgreSQL store beside the SQLite one, on the same input in one run:
 *
 * 1. The demo bakery's retrieval evaluation (src/knowledge/demo-retrieval.fixture.ts):
 *    the share of customer questions whose answering file is in the top 3,
 *    through the retriever (BM25 mode, as the agents use it) and through the
 *    store's own searchText alone (its BM25 ranking, nothing re-ranked).
 * 2. At `--chunks` synthetic chunks (bench/retrieval-corpus.ts, one agent,
 *    384-dim vectors): ingest rates, BM25 and vector latency (p50/p95 over
 *    `--queries` queries), vector recall@10 against exact cosine, and how
 *    often BM25 puts the chunk a query was drawn from in its top 10.
 *
 * 3. With `--pgvector` (PGlite with real pgvector, WASM), `--pgvector-url URL` (a server
 *    with pgvector) or `--pgvector-native` (a database on this bench's own server, with the
 *    pgvector .ci/build-pgvector.sh installed; maintenance_work_mem 1GB for the index build):
 *    the same size and queries through pgvector's HNSW index, its exact distance, and the
 *    sign-bit scan, on that one engine (bench/store-pgvector-side.ts). `--pgvector-only`
 *    skips 1 and 2; `--no-hnsw` measures the fallback scan only (no index build).
 *
 *   npx tsx bench/store-postgres.ts [--chunks 100000] [--queries 100] [--seed 42] [--pgvector]
 *   npx tsx bench/store-postgres.ts --chunks 100000 --pgvector-native --pgvector-only
 *
 * PostgreSQL runs on a throwaway local server (src/store/postgres/postgres-cluster.fixture.ts,
 * fsync off): numbers for the engine and the query plans, not for a disk.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createRetriever } from "../src/knowledge/create-retriever.js";
import { retrievalCases } from "../src/knowledge/demo-retrieval.fixture.js";
import { ingestSources } from "../src/knowledge/ingest-sources.js";
import type { Store } from "../src/spec/store.js";
import { openStore } from "../src/store/open-store.js";
import { startPostgresCluster } from "../src/store/postgres/postgres-cluster.fixture.js";
import { createCorpus } from "./retrieval-corpus.js";
import { ingest } from "./retrieval-ingest.js";
import { meanOverlap, ms, table, timeEach, timing } from "./retrieval-measure.js";
import { pgvectorSide } from "./store-pgvector-side.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const size = Number(option("chunks", "100000"));
const queryCount = Number(option("queries", "100"));
const seed = Number(option("seed", "42"));
const pgvectorUrl = option("pgvector-url", "");
const pgvectorNative = args.includes("--pgvector-native");
const pgvectorOnly = args.includes("--pgvector-only");
const withHnsw = !args.includes("--no-hnsw");
const withPgvector = args.includes("--pgvector") || pgvectorUrl !== "" || pgvectorNative;
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

const dir = mkdtempSync(join(tmpdir(), "alambique-bench-pg-"));
const cluster = await startPostgresCluster();
try {
  const stores: [string, () => Promise<string>][] = [
    ["sqlite", async () => `sqlite:${join(dir, `${Date.now()}.db`)}`],
    ["postgres", () => cluster.createDatabase("bench")],
  ];
  const rows: string[][] = [["store", "measure", "value"]];
  if (!pgvectorOnly) {
    for (const [name, url] of stores) rows.push(...(await demoEvaluation(name, await url())));
    for (const [name, url] of stores) rows.push(...(await atScale(name, await url())));
  }
  if (withPgvector) rows.push(...(await pgvectorRows()));
  const flags = [
    pgvectorUrl
      ? " --pgvector-url URL"
      : pgvectorNative
        ? " --pgvector-native"
        : withPgvector
          ? " --pgvector"
          : "",
    pgvectorOnly ? " --pgvector-only" : "",
    withHnsw ? "" : " --no-hnsw",
  ].join("");
  console.log(
    `\nnpx tsx bench/store-postgres.ts --chunks ${size} --queries ${queryCount} --seed ${seed}${flags}`,
  );
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}\n`);
  console.log(table(rows));
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function pgvectorRows(): Promise<string[][]> {
  const corpus = createCorpus(seed);
  const matrix = new Float32Array(size * corpus.dimension);
  for (let i = 0; i < size; i++) matrix.set(corpus.vector(i), i * corpus.dimension);
  const queries = Array.from({ length: queryCount }, (_, n) => corpus.query(n, size));
  const exact = queries.map((query) => exactTop(matrix, corpus.dimension, query.vector, 10));
  let url = pgvectorUrl || undefined;
  let name: string | undefined;
  if (pgvectorNative) {
    url = await cluster.createDatabase("pgvector");
    const database = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // The index build's working memory: the default 64MB spills a 100k-vector graph to disk.
      await admin.query(`ALTER DATABASE "${database}" SET maintenance_work_mem = '1GB'`);
      const version = await admin.query<{ v: string }>(
        "SELECT default_version AS v FROM pg_available_extensions WHERE name = 'vector'",
      );
      if (!version.rows[0]) throw new Error("no pgvector on this PostgreSQL: run .ci/build-pgvector.sh");
      name = `pgvector ${version.rows[0].v} (native PostgreSQL)`;
    } finally {
      await admin.end();
    }
  }
  return pgvectorSide({ url, name, corpus, size, queries, exact, log, hnsw: withHnsw });
}

async function seeded(url: string): Promise<{ store: Store; tenantId: string; agentId: string }> {
  const store = await openStore(url);
  const tenant = await store.tenants.create({ slug: "bakery", name: "Bakery" });
  const agent = await store.agents.create({ tenantId: tenant.id, name: "helper", spec: {} });
  return { store, tenantId: tenant.id, agentId: agent.id };
}

async function demoEvaluation(name: string, url: string): Promise<string[][]> {
  const { store, tenantId, agentId } = await seeded(url);
  try {
    const baseDir = join(import.meta.dirname, "../data/demo");
    await ingestSources({ store, tenantId, agentId, paths: ["knowledge"], baseDir });
    const retriever = createRetriever({ store });
    let viaRetriever = 0;
    let viaStore = 0;
    for (const { query, sources } of retrievalCases) {
      const answers = (uri: string) => sources.some((source) => uri === `knowledge/${source}`);
      const hits = await retriever.search({ tenantId, agentId, query, limit: 3, mode: "bm25" });
      if (hits.some((hit) => answers(hit.source.uri))) viaRetriever++;
      const raw = await store.knowledge.searchText(tenantId, agentId, query, 3);
      if (raw.some((hit) => answers(hit.source.uri))) viaStore++;
    }
    const share = (n: number) =>
      `${n}/${retrievalCases.length} (${((100 * n) / retrievalCases.length).toFixed(1)}%)`;
    return [
      [name, "demo questions, answer in top 3 (retriever, BM25 mode)", share(viaRetriever)],
      [name, "demo questions, answer in top 3 (store searchText alone)", share(viaStore)],
    ];
  } finally {
    await store.close();
  }
}

async function atScale(name: string, url: string): Promise<string[][]> {
  const corpus = createCorpus(seed);
  const { store, tenantId, agentId } = await seeded(url);
  try {
    log(`${name}: ingesting ${size} chunks`);
    const matrix = new Float32Array(size * corpus.dimension);
    const keep = (items: { i: number; vector: Float32Array }[]) => {
      for (const { i, vector } of items) matrix.set(vector, i * corpus.dimension);
    };
    const times = await ingest(store, { tenantId, agentId }, corpus, size, "synthetic-384", keep, log);
    const queries = Array.from({ length: queryCount }, (_, n) => corpus.query(n, size));
    log(`${name}: exact nearest neighbours of ${queryCount} queries`);
    const exact = queries.map((query) => exactTop(matrix, corpus.dimension, query.vector, 10));
    const indexOf = (hit: { chunk: { metadata: Record<string, unknown> } }) => hit.chunk.metadata.i as number;
    // Warm-up, then measure.
    for (const query of queries.slice(0, 10)) {
      await store.knowledge.searchText(tenantId, agentId, query.text, 10);
      await store.knowledge.searchVector(tenantId, agentId, query.vector, 10);
    }
    const text = await timeEach(queries, (q) => store.knowledge.searchText(tenantId, agentId, q.text, 10));
    const vector = await timeEach(queries, (q) =>
      store.knowledge.searchVector(tenantId, agentId, q.vector, 10),
    );
    const sourceFound = queries.filter((q, i) =>
      text.results[i]!.some((hit) => indexOf(hit) === q.from),
    ).length;
    const recall = meanOverlap(
      vector.results.map((hits) => hits.map(indexOf)),
      exact,
    );
    const t = timing(text.ms);
    const v = timing(vector.ms);
    const perSecond = (ms: number) => `${Math.round((size / ms) * 1000)}/s`;
    return [
      [
        name,
        `${size} chunks: ingest text / vectors`,
        `${perSecond(times.textMs)} / ${perSecond(times.vectorMs)}`,
      ],
      [name, `${size} chunks: BM25 p50 / p95`, `${ms(t.p50)} / ${ms(t.p95)} ms`],
      [name, `${size} chunks: BM25 source chunk in top 10`, (sourceFound / queryCount).toFixed(2)],
      [name, `${size} chunks: vector p50 / p95`, `${ms(v.p50)} / ${ms(v.p95)} ms`],
      [name, `${size} chunks: vector recall@10 vs exact`, recall.toFixed(2)],
    ];
  } finally {
    await store.close();
  }
}

/** The exact top `k` chunk indexes by cosine (the corpus's vectors are unit length). */
function exactTop(matrix: Float32Array, dimension: number, query: Float32Array, k: number): number[] {
  const best: { i: number; score: number }[] = [];
  for (let i = 0; i < size; i++) {
    let dot = 0;
    const offset = i * dimension;
    for (let d = 0; d < dimension; d++) dot += matrix[offset + d]! * query[d]!;
    if (best.length < k || dot > best.at(-1)!.score) {
      best.push({ i, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((entry) => entry.i);
}
