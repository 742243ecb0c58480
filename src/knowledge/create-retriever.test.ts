import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../models/llamacpp/index.js";
import { ValidationError } from "../spec/errors.js";
import type { AgentRecord, Store, Tenant } from "../spec/store.js";
import { createRetriever } from "./create-retriever.js";
import { ingestSources } from "./ingest-sources.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";

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

  it("searches by vector, and in hybrid re-ranks both searches' candidates by their words first", async () => {
    const retriever = createRetriever({ store, embed: provider.embeddingModel(modelPath) });
    const vector = await search(retriever, "do you have wifi", { mode: "vector", limit: 5 });
    expect(vector).toHaveLength(5);
    for (const hit of vector) {
      expect(hit.score).toBeLessThanOrEqual(1);
      expect(hit.confidence).toBeGreaterThanOrEqual(Math.max(0, hit.score));
    }
    // Every word of the question in one chunk: the random vectors only break ties, so the answer is BM25's.
    const lexical = createRetriever({ store });
    for (const query of ["do you have wifi", "a que hora abren el domingo", "horario de verano"]) {
      const [bm25] = await search(lexical, query, { limit: 1 });
      const hybrid = await search(retriever, query, { limit: 5 });
      expect(hybrid).toHaveLength(5);
      expect(hybrid[0]?.chunk.id).toBe(bm25?.chunk.id);
      expect(hybrid[0]?.confidence).toBe(bm25?.confidence);
      expect(hybrid.map((h) => h.score)).toEqual(hybrid.map((h) => h.score).sort((a, b) => b - a));
    }
    // Confidence in hybrid is the words' share, never a cosine: a question about nothing here stays unsure.
    const [offTopic] = await search(retriever, "venden entradas para el concierto de domingo");
    expect(offTopic?.confidence).toBeLessThanOrEqual(0.34);
  });

  it("searches a pasted 1 MB message by its beginning, in every mode", async () => {
    const retriever = createRetriever({ store, embed: provider.embeddingModel(modelPath) });
    const pasted = "horario de verano ".repeat(60_000);
    const [hit] = await search(retriever, pasted, { mode: "bm25" });
    expect(hit?.chunk.location).toBe("Horarios y festivos > Horario de verano");
    const hybrid = await search(retriever, pasted, { limit: 3 });
    expect(hybrid).toHaveLength(3);
    // Only words the index lacks: hybrid is then the vector ranking, with no confidence.
    const unknown = await search(retriever, "zzzqx wwwqy", { limit: 3 });
    const nearest = await search(retriever, "zzzqx wwwqy", { limit: 3, mode: "vector" });
    expect(unknown.map((h) => h.chunk.id)).toEqual(nearest.map((h) => h.chunk.id));
    expect(unknown.every((h) => h.confidence === 0)).toBe(true);
  });
});
