/**
 * Vector search through real pgvector (0.8, in PGlite: PostgreSQL compiled to
 * WASM, served on 127.0.0.1 by pglite-socket; pglite-pgvector.fixture.ts):
 * the same conformance cases as the scan, once through the HNSW index (every
 * agent, however small, with the planner told to prefer indexes) and once
 * exactly; then, on a few thousand vectors, that the index is what a search
 * uses (EXPLAIN) and that its recall@10 against exact cosine is >= 0.95.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { putTexts, seedAgent } from "../conformance/knowledge-kit.conformance.js";
import { describeKnowledgeVectors } from "../conformance/knowledge-vectors.conformance.js";
import type { StoreTestKit } from "../conformance/store-test-kit.conformance.js";
import { openPostgresStore } from "./open-postgres-store.js";
import { type PgliteServer, startPgliteServer } from "./pglite-pgvector.fixture.js";
import { efSearchFor, hnswIndexName, hnswQuery, vectorText } from "./pgvector-search.js";

let server: PgliteServer;
beforeAll(async () => {
  server = await startPgliteServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A kit on the one PGlite database (tests are apart by tenant), stores opened with `exactBelow`. */
function pgliteKit(exactBelow: number): StoreTestKit {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  const open = async (url: string) => {
    const store = await openPostgresStore({
      url,
      poolSize: 1,
      pgvector: "auto",
      pgvectorExactBelow: exactBelow,
    });
    opened.push(store);
    return store;
  };
  return { url: async () => server.url, open, fresh: async () => open(server.url) };
}

describe("pgvector through its HNSW index, every agent", () => {
  // A few rows: the planner would rather sort them. PGlite is one session, so this reaches the store's pool.
  beforeAll(() => server.db.exec("SET enable_seqscan = off; SET enable_sort = off"));
  afterAll(() => server.db.exec("RESET enable_seqscan; RESET enable_sort"));
  describeKnowledgeVectors(pgliteKit(0));
});

describe("pgvector exactly, every agent", () => {
  describeKnowledgeVectors(pgliteKit(Number.POSITIVE_INFINITY));
});

/** Deterministic pseudo-random vectors (a linear congruential generator), components in [-1, 1). */
function randomVectors(count: number, dims: number, seed: number): Float32Array[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, next));
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
};

describe("pgvector's HNSW index on thousands of vectors", () => {
  const dims = 48;
  const count = 2000;
  const vectors = randomVectors(count, dims, 17);
  let store: Store;
  let seeded: Awaited<ReturnType<typeof seedAgent>>;
  const texts = vectors.map((_, i) => `chunk ${i}`);

  beforeAll(async () => {
    store = await openPostgresStore({
      url: server.url,
      poolSize: 1,
      pgvector: "auto",
      pgvectorExactBelow: 1000,
    });
    seeded = await seedAgent(store);
    // Another agent of the same dimension shares the index: the search must filter it out.
    const neighbour = await seedAgent(store);
    for (const [agent, offset, size] of [
      [neighbour, 1, count / 4],
      [seeded, 0, count],
    ] as const) {
      await putTexts(store, agent, "random.md", texts.slice(0, size));
      const chunks = await store.knowledge.chunksWithoutVectors(
        agent.tenant.id,
        agent.agent.id,
        "rand",
        count,
      );
      const byText = new Map(texts.map((text, i) => [text, vectors[(i + offset) % count]!]));
      await store.knowledge.putVectors(
        agent.tenant.id,
        agent.agent.id,
        "rand",
        chunks.map((chunk) => ({ chunkId: chunk.id, vector: byText.get(chunk.text)! })),
      );
    }
  }, 180_000);
  afterAll(async () => {
    await store?.close();
  });

  it("is the plan of a search (EXPLAIN names the index)", async () => {
    const indexKey = (
      await server.db.query<{ key: number }>("SELECT key FROM knowledge_indexes WHERE agent_id = $1", [
        seeded.agent.id,
      ])
    ).rows[0]!.key;
    await server.db.query(`SELECT set_config('hnsw.ef_search', '${efSearchFor(10)}', false)`);
    const plan = await server.db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${hnswQuery(dims)}`, [
      indexKey,
      vectorText(vectors[0]!),
      10,
    ]);
    const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain(`Index Scan using ${hnswIndexName(dims)}`);
  });

  it("finds at least 95% of the exact top 10, with exact scores, only the agent's chunks", async () => {
    const queries = randomVectors(40, dims, 99);
    let found = 0;
    for (const query of queries) {
      const exact = vectors
        .map((v, i) => ({ text: texts[i]!, score: cosine(query, v) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const hits = await store.knowledge.searchVector(seeded.tenant.id, seeded.agent.id, query, 10);
      expect(hits).toHaveLength(10);
      const want = new Set(exact.map((e) => e.text));
      found += hits.filter((hit) => want.has(hit.chunk.text)).length;
      // The neighbour's chunk of the same text holds the next vector: its score would not match.
      for (const hit of hits) {
        const stored = vectors[texts.indexOf(hit.chunk.text)]!;
        expect(hit.score).toBeCloseTo(cosine(query, stored), 5);
      }
    }
    const recall = found / (queries.length * 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
