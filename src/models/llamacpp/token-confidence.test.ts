import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "./create-llamacpp-provider.js";
import type { LlamaCppLanguageModel } from "./llamacpp-language-model.js";
import { call, readAll, textOf } from "./llamacpp-test.fixture.js";
import { summarise } from "./token-confidence.js";

/** Real llama.cpp on a forged model: the probabilities are of random weights, but they are the model's own. */
let provider: LlamaCppProvider;
let model: LlamaCppLanguageModel;

beforeAll(async () => {
  provider = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 2, gpu: false });
  model = provider.languageModel(await forgedModelPath("tiny", 1));
});
afterAll(async () => provider?.dispose());

const confident = { llamacpp: { tokenConfidence: true } };
type Meta = { llamacpp: { tokenConfidence?: { mean: number; min: number; tokens: number } } };

describe("token confidence", () => {
  it("reports the chosen tokens' probabilities when asked, and the same text as without", async () => {
    const plain = await model.doGenerate(call({ maxOutputTokens: 16 }));
    const measured = await model.doGenerate(call({ maxOutputTokens: 16, providerOptions: confident }));
    expect(textOf(measured.content)).toBe(textOf(plain.content));
    expect((plain.providerMetadata as Meta).llamacpp.tokenConfidence).toBeUndefined();
    const c = (measured.providerMetadata as Meta).llamacpp.tokenConfidence!;
    expect(c.tokens).toBe(16);
    expect(c.min).toBeGreaterThan(0);
    expect(c.min).toBeLessThanOrEqual(c.mean);
    expect(c.mean).toBeLessThanOrEqual(1);
  });

  it("is the model's probability of each chosen token: the most probable ones when greedy, less when sampled hot", async () => {
    const greedy = await model.doGenerate(call({ maxOutputTokens: 12, providerOptions: confident }));
    const hot = await model.doGenerate(
      call({ maxOutputTokens: 12, temperature: 1.5, topK: 0, topP: 1, seed: 3, providerOptions: confident }),
    );
    const mean = (r: { providerMetadata?: unknown }) =>
      (r.providerMetadata as Meta).llamacpp.tokenConfidence!.mean;
    expect(mean(hot)).toBeLessThan(mean(greedy));
  });

  it("works streamed too, and leaves the sequence as it found it", async () => {
    const result = await model.doStream(call({ maxOutputTokens: 8, providerOptions: confident }));
    const finish = (await readAll(result.stream)).find((p) => p.type === "finish");
    expect((finish!.providerMetadata as Meta).llamacpp.tokenConfidence?.tokens).toBe(8);
    const after = await model.doGenerate(call({ maxOutputTokens: 4 }));
    expect((after.providerMetadata as Meta).llamacpp.tokenConfidence).toBeUndefined();
  });

  it("summarises nothing as nothing", () => {
    expect(summarise([])).toBeUndefined();
    expect(summarise([0.5, 1])).toEqual({ mean: 0.75, min: 0.5, tokens: 2 });
  });
});
