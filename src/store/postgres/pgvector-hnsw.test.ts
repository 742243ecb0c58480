/**
 * pgvector's HNSW index on over a thousand vectors, on each server of
 * pgvector-servers.fixture.ts (pgvector's WASM build in PGlite, and native
 * pgvector 0.8.0 in PostgreSQL 15): the index is what a search uses
 * (EXPLAIN), its recall@10 against exact cosine is >= 0.95 with exact
 * scores and only the agent's chunks, and a search whose agent filter
 * starves the walk is redone exactly.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { putTexts, type SeededAgent, seedAgent } from "../conformance/knowledge-kit.conformance.js";
import { openPostgresStore } from "./open-postgres-store.js";
import { efSearchFor, hnswIndexName, hnswQuery, vectorText } from "./pgvector-search.js";
import { describeOnPgvectorServers } from "./pgvector-servers.fixture.js";

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

/** The texts of `vectors` nearest `query` by exact cosine, best first. */
const exactTop = (query: Float32Array, vectors: Float32Array[], texts: string[], limit: number) =>
  vectors
    .map((v, i) => ({ text: texts[i]!, score: cosine(query, v) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);

/** Puts `texts` as one source of `agent`, the i-th text with `vectorOf(i)`. */
async function putVectors(
  store: Store,
  agent: SeededAgent,
  texts: string[],
  vectorOf: (text: string) => Float32Array,
) {
  await putTexts(store, agent, "random.md", texts);
  const chunks = await store.knowledge.chunksWithoutVectors(agent.tenant.id, agent.agent.id, "rand", 5000);
  await store.knowledge.putVectors(
    agent.tenant.id,
    agent.agent.id,
    "rand",
    chunks.map((chunk) => ({ chunkId: chunk.id, vector: vectorOf(chunk.text) })),
  );
}

describeOnPgvectorServers("pgvector's HNSW index on 1,500 vectors", (server) => {
  const dims = 48;
  // Past the store's exactBelow (1000) with room, and small enough to load in seconds on PGlite.
  const count = 1200;
  const vectors = randomVectors(count, dims, 17);
  const texts = vectors.map((_, i) => `chunk ${i}`);
  let url = "";
  let store: Store;
  let seeded: SeededAgent;
  const indexKey = async (agent: SeededAgent) =>
    server.session(url, async (query) => {
      const rows = await query<{ key: string }>("SELECT key FROM knowledge_indexes WHERE agent_id = $1", [
        agent.agent.id,
      ]);
      return Number(rows[0]!.key);
    });

  beforeAll(async () => {
    url = await server.freshUrl("thousands");
    store = await openPostgresStore({
      url,
      poolSize: server.poolSize,
      pgvector: "auto",
      pgvectorExactBelow: 1000,
    });
    seeded = await seedAgent(store);
    // Another agent of the same dimension shares the index: the search must filter it out.
    const neighbour = await seedAgent(store);
    const byText = (offset: number) => {
      const map = new Map(texts.map((text, i) => [text, vectors[(i + offset) % count]!]));
      return (text: string) => map.get(text)!;
    };
    await putVectors(store, neighbour, texts.slice(0, count / 4), byText(1));
    await putVectors(store, seeded, texts, byText(0));
  }, 180_000);
  afterAll(async () => {
    await store?.close();
  });

  it("is the plan of a search (EXPLAIN names the index)", async () => {
    const key = await indexKey(seeded);
    const text = await server.session(url, async (query) => {
      await query(`SELECT set_config('hnsw.ef_search', '${efSearchFor(10)}', false)`);
      const plan = await query<{ "QUERY PLAN": string }>(`EXPLAIN ${hnswQuery(dims)}`, [
        key,
        vectorText(vectors[0]!),
        10,
      ]);
      await query("RESET hnsw.ef_search");
      return plan.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(text).toContain(`Index Scan using ${hnswIndexName(dims)}`);
  });

  it("finds at least 95% of the exact top 10, with exact scores, only the agent's chunks", async () => {
    const queries = randomVectors(40, dims, 99);
    let found = 0;
    for (const query of queries) {
      const exact = exactTop(query, vectors, texts, 10);
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

  it("redoes a search exactly when the agent's filter starves the walk", async () => {
    // A small agent (30 of the index's 1530 vectors, all about opposite the query), searched through the
    // index (exactBelow 0, the planner told to walk it rather than sort the agent's rows), with
    // hnsw.max_scan_tuples at 1: the iterative scan stops after its first ef_search candidates, near the
    // query, as it does for such an agent in an index past 20,000 tuples (pgvector's default).
    const query = randomVectors(1, dims, 7)[0]!;
    const smallVectors = randomVectors(30, dims, 5).map((noise) =>
      Float32Array.from(query, (x, i) => -x + 0.1 * noise[i]!),
    );
    const smallTexts = smallVectors.map((_, i) => `small ${i}`);
    const small = await seedAgent(store);
    await putVectors(store, small, smallTexts, (text) => smallVectors[smallTexts.indexOf(text)]!);
    const key = await indexKey(small);
    const settings: Record<string, string> = {
      enable_seqscan: "off",
      enable_bitmapscan: "off",
      enable_sort: "off",
      "hnsw.max_scan_tuples": "1",
    };
    const walk = await server.session(url, async (run) => {
      const set = {
        ...settings,
        "hnsw.ef_search": String(efSearchFor(10)),
        "hnsw.iterative_scan": "relaxed_order",
      };
      for (const [name, value] of Object.entries(set)) await run(`SET ${name} = '${value}'`);
      const args = [key, vectorText(query), 10];
      const plan = await run<{ "QUERY PLAN": string }>(`EXPLAIN ${hnswQuery(dims)}`, args);
      const rows = await run(hnswQuery(dims), args);
      for (const name of Object.keys(set)) await run(`RESET ${name}`);
      return { plan: plan.map((row) => row["QUERY PLAN"]).join("\n"), rows: rows.length };
    });
    expect(walk.plan).toContain(`Index Scan using ${hnswIndexName(dims)}`);
    expect(walk.rows, "the index walk alone returns fewer than asked").toBeLessThan(10);

    await server.configure(url, settings);
    const starved = await openPostgresStore({
      url,
      poolSize: server.poolSize,
      pgvector: "auto",
      pgvectorExactBelow: 0,
    });
    try {
      const hits = await starved.knowledge.searchVector(small.tenant.id, small.agent.id, query, 10);
      expect(hits.map((hit) => hit.chunk.text)).toEqual(
        exactTop(query, smallVectors, smallTexts, 10).map((e) => e.text),
      );
    } finally {
      await starved.close();
      await server.configure(url, Object.fromEntries(Object.keys(settings).map((name) => [name, undefined])));
    }
  });
});
