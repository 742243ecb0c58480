import { cosineSimilarity, embed, embedMany } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORGE_PRESETS } from "../forge/forge-presets.js";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "./create-llamacpp-provider.js";

let provider: LlamaCppProvider;
let modelPath: string;

beforeAll(async () => {
  modelPath = await forgedModelPath("tiny", 1);
  provider = createLlamaCpp({ threads: 1, contextSize: 512, gpu: false });
});
afterAll(async () => {
  await provider.dispose();
});

describe("LlamaCppEmbeddingModel", () => {
  it("returns one vector per value, of the model's dimension, in input order", async () => {
    const model = provider.embeddingModel(modelPath);
    const values = ["refund policy", "opening hours on Sunday", "refund policy"];
    const result = await model.doEmbed({ values });
    expect(await model.dimensions()).toBe(FORGE_PRESETS.tiny.embeddingLength);
    expect(result.embeddings).toHaveLength(3);
    for (const vector of result.embeddings) {
      expect(vector).toHaveLength(FORGE_PRESETS.tiny.embeddingLength);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
    expect(result.embeddings[2]).toEqual(result.embeddings[0]);
    expect(result.embeddings[1]).not.toEqual(result.embeddings[0]);
    expect(result.usage?.tokens).toBeGreaterThan(6);
    expect(result.warnings).toEqual([]);
  });

  it("is deterministic across calls and providers", async () => {
    const other = createLlamaCpp({ threads: 1, contextSize: 512, gpu: false });
    try {
      const a = await provider.embeddingModel(modelPath).doEmbed({ values: ["same text"] });
      const b = await other.textEmbeddingModel(modelPath).doEmbed({ values: ["same text"] });
      expect(b.embeddings).toEqual(a.embeddings);
    } finally {
      await other.dispose();
    }
  });

  it("works through the AI SDK's embed and embedMany, splitting large batches", async () => {
    const model = provider.embeddingModel(modelPath);
    const { embedding, usage } = await embed({ model, value: "hello" });
    expect(embedding).toHaveLength(FORGE_PRESETS.tiny.embeddingLength);
    expect(usage.tokens).toBeGreaterThan(0);
    const values = Array.from({ length: 70 }, (_, i) => `document number ${i}`);
    const many = await embedMany({ model, values });
    expect(many.embeddings).toHaveLength(70);
    expect(cosineSimilarity(many.embeddings[5]!, many.embeddings[5]!)).toBeCloseTo(1, 6);
    await expect(model.doEmbed({ values })).rejects.toMatchObject({ code: "too_many_embedding_values" });
  });

  it("rejects a text longer than the context with context_length_exceeded", async () => {
    const error = provider.embeddingModel(modelPath).doEmbed({ values: ["short", "word ".repeat(1000)] });
    await expect(error).rejects.toMatchObject({
      code: "context_length_exceeded",
      status: 400,
      message: expect.stringMatching(/value 1 \(\d+ tokens\)/),
    });
  });

  it("stops between values when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider.embeddingModel(modelPath).doEmbed({ values: ["a", "b"], abortSignal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});
