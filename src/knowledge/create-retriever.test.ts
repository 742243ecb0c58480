import { join } from "node:path";
import { embed } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../models/llamacpp/index.js";
import { ValidationError } from "../spec/errors.js";
import type { AgentRecord, Store, Tenant } from "../spec/store.js";
import { bm25Query, createRetriever } from "./create-retriever.js";
import { ingestSources } from "./ingest-sources.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";
import { contentTerms } from "./query-terms.js";

const demo = join(import.meta.dirname, "../../data/demo");
let store: Store;
let tenant: Tenant;
let agent: AgentRecord;
let provider: LlamaCppProvider;
let modelPath: string;

beforeAll(async () => {
  ({ store, tenant, agent } = await storeWithAgent());
  modelPath = await forgedModelPath("tiny", 1);
  provider = createLlamaCpp({ threads: 1, contextSize: 512, gpu: false });
  const report = await ingestSources({
    store,
    tenantId: tenant.id,
    agentId: agent.id,
    paths: ["knowledge/horarios-y-festivos.md", "knowledge/preguntas-frecuentes.json"],
    baseDir: demo,
    embed: provider.embeddingModel(modelPath),
    embeddingModelName: "forged-tiny",
  });
  expect(report.embedded).toBe(report.chunks);
});
afterAll(async () => {
  await provider?.dispose();
  await store?.close();
});

const search = (retriever: ReturnType<typeof createRetriever>, query: string, extra: object = {}) =>
  retriever.search({ tenantId: tenant.id, agentId: agent.id, query, ...extra });

describe("ingestion with an embedding model", () => {
  it("embedded every chunk once: a second run embeds nothing", async () => {
    const report = await ingestSources({
      store,
      tenantId: tenant.id,
      agentId: agent.id,
      paths: ["knowledge/horarios-y-festivos.md", "knowledge/preguntas-frecuentes.json"],
      baseDir: demo,
      embed: provider.embeddingModel(modelPath),
      embeddingModelName: "forged-tiny",
    });
    expect(report).toMatchObject({ unchanged: expect.any(Array), chunks: 0, embedded: 0 });
    expect(report.unchanged).toHaveLength(2);
    expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "forged-tiny", 10)).toEqual([]);
  });
});

describe("createRetriever", () => {
  it("ranks by BM25 without an embedding model, with confidence = share of topic words covered", async () => {
    const hits = await search(createRetriever({ store }), "a que hora abren el domingo", { limit: 2 });
    expect(hits).toHaveLength(2);
    expect(hits[0]?.source.uri).toBe("knowledge/horarios-y-festivos.md");
    expect(hits[0]?.chunk.location).toBe("Horarios y festivos > Horario de la tienda");
    expect(hits[0]?.confidence).toBe(1);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("gives low confidence when the best hit covers little of the question", async () => {
    const [hit] = await search(createRetriever({ store }), "venden entradas para el concierto de domingo");
    expect(hit?.confidence).toBeLessThanOrEqual(0.34);
    expect(await search(createRetriever({ store }), "hola!")).toEqual([]);
  });

  it("treats hybrid as BM25 when there is no embedding model, and refuses vector", async () => {
    const retriever = createRetriever({ store });
    const bm25 = await search(retriever, "wifi", { mode: "bm25" });
    expect(await search(retriever, "wifi", { mode: "hybrid" })).toEqual(bm25);
    await expect(search(retriever, "wifi", { mode: "vector" })).rejects.toBeInstanceOf(ValidationError);
    await expect(search(retriever, "wifi", { limit: 0 })).rejects.toThrow(/limit must be/);
  });

  it("searches by vector and fuses both rankings with RRF when an embedding model is given", async () => {
    const retriever = createRetriever({ store, embed: provider.embeddingModel(modelPath) });
    const vector = await search(retriever, "do you have wifi", { mode: "vector", limit: 5 });
    expect(vector).toHaveLength(5);
    for (const hit of vector) {
      expect(hit.score).toBeLessThanOrEqual(1);
      expect(hit.confidence).toBeGreaterThanOrEqual(Math.max(0, hit.score));
    }
    // The fused ranking is RRF (k = 60) over the 20 best of each ranking (4 × limit, at least 20).
    const query = "do you have wifi";
    const lexical = await store.knowledge.searchText(tenant.id, agent.id, bm25Query(contentTerms(query)), 20);
    const { embedding } = await embed({ model: provider.embeddingModel(modelPath), value: query });
    const semantic = await store.knowledge.searchVector(
      tenant.id,
      agent.id,
      Float32Array.from(embedding),
      20,
    );
    const rank = (list: { chunk: { id: string } }[], id: string) =>
      list.findIndex((h) => h.chunk.id === id) + 1;
    const hybrid = await search(retriever, query, { limit: 5 });
    expect(hybrid).toHaveLength(5);
    for (const hit of hybrid) {
      const ranks = [rank(lexical, hit.chunk.id), rank(semantic, hit.chunk.id)].filter((r) => r > 0);
      expect(ranks.length).toBeGreaterThan(0);
      expect(hit.score).toBeCloseTo(
        ranks.reduce((sum, r) => sum + 1 / (60 + r), 0),
        12,
      );
    }
    expect(hybrid.map((h) => h.score)).toEqual(hybrid.map((h) => h.score).sort((a, b) => b - a));
  });

  it("searches a pasted 1 MB message by its beginning, in every mode", async () => {
    const retriever = createRetriever({ store, embed: provider.embeddingModel(modelPath) });
    const pasted = "horario de verano ".repeat(60_000);
    const [hit] = await search(retriever, pasted, { mode: "bm25" });
    expect(hit?.chunk.location).toBe("Horarios y festivos > Horario de verano");
    const hybrid = await search(retriever, pasted, { limit: 3 });
    expect(hybrid).toHaveLength(3);
    // Only words the index lacks: hybrid is then the vector ranking, still scored by RRF.
    const unknown = await search(retriever, "zzzqx wwwqy", { limit: 3 });
    expect(unknown).toHaveLength(3);
    expect(unknown.every((h) => h.score <= 1 / 61 && h.confidence < 1)).toBe(true);
  });
});
