import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "./create-llamacpp-provider.js";
import type { LlamaCppLanguageModel } from "./llamacpp-language-model.js";
import { call, readAll, textOf, user } from "./llamacpp-test.fixture.js";

/**
 * Runs a real forged GGUF (random weights, real tokenizer, Llama 3 template)
 * through real llama.cpp: text, streaming, sampling, usage, limits, abort and
 * concurrency. Structured output and tools: llamacpp-structured-output.test.ts.
 */

let provider: LlamaCppProvider;
let model: LlamaCppLanguageModel;
let modelPath: string;

beforeAll(async () => {
  modelPath = await forgedModelPath("tiny", 1);
  provider = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 4, gpu: false });
  model = provider.languageModel(modelPath);
});
afterAll(async () => {
  await provider.dispose();
});

describe("text generation", () => {
  it("generates text with usage and a finish reason, deterministically when greedy", async () => {
    const first = await model.doGenerate(call({ maxOutputTokens: 24 }));
    const second = await model.doGenerate(call({ maxOutputTokens: 24 }));
    expect(textOf(first.content).length).toBeGreaterThan(0);
    expect(textOf(second.content)).toBe(textOf(first.content));
    expect(first.finishReason).toEqual({ unified: "length", raw: "maxTokens" });
    expect(first.usage.outputTokens.total).toBe(24);
    expect(first.usage.inputTokens.total).toBeGreaterThan(10);
    expect(first.response?.modelId).toBe(modelPath);
    expect(first.providerMetadata?.llamacpp?.chatWrapper).toBeTruthy();
  });

  it("reports prompt tokens served from the sequence's KV cache on a repeated prefix", async () => {
    const lone = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
    try {
      const m = lone.languageModel(modelPath);
      const cold = await m.doGenerate(call({ maxOutputTokens: 4 }));
      const warm = await m.doGenerate(call({ maxOutputTokens: 4 }));
      const total = cold.usage.inputTokens.total!;
      expect(cold.usage.inputTokens.cacheRead).toBe(0);
      expect(cold.usage.inputTokens.noCache).toBe(total);
      expect(warm.usage.inputTokens.total).toBe(total);
      expect(warm.usage.inputTokens.cacheRead).toBe(total);
      const longer = await m.doGenerate(
        call({ prompt: user("Tell me about the weather in Lisbon and in Porto."), maxOutputTokens: 4 }),
      );
      expect(longer.usage.inputTokens.total).toBeGreaterThan(total);
      expect(longer.usage.inputTokens.cacheRead).toBeGreaterThan(5);
      expect(longer.usage.inputTokens.cacheRead).toBeLessThan(total);
    } finally {
      await lone.dispose();
    }
  });

  it("streams the same text as doGenerate, framed by stream-start and finish", async () => {
    const generated = await model.doGenerate(call({ maxOutputTokens: 30 }));
    const { stream } = await model.doStream(call({ maxOutputTokens: 30 }));
    const parts = await readAll(stream);
    expect(parts[0]).toEqual({ type: "stream-start", warnings: [] });
    expect(parts.map((p) => p.type)).toContain("text-start");
    const deltas = parts.filter((p) => p.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((p) => p.delta).join("")).toBe(textOf(generated.content));
    expect(parts.at(-2)?.type).toBe("text-end");
    const finish = parts.at(-1);
    expect(finish?.type === "finish" && finish.usage.outputTokens.total).toBe(30);
  });

  it("stops at a stop sequence and leaves it out of the text", async () => {
    const full = textOf((await model.doGenerate(call({ maxOutputTokens: 40 }))).content);
    const stop = full.slice(12, 16);
    const cut = await model.doGenerate(call({ maxOutputTokens: 40, stopSequences: [stop] }));
    expect(textOf(cut.content)).toBe(full.slice(0, full.indexOf(stop)));
    expect(cut.finishReason).toEqual({ unified: "stop", raw: "customStopTrigger" });
  });

  it("samples with temperature and seed: same seed same text, other seeds other texts", async () => {
    const sampled = (seed: number) =>
      model.doGenerate(call({ maxOutputTokens: 16, temperature: 1, seed, topK: 40, topP: 0.95 }));
    const [a, b, c] = await Promise.all([sampled(1), sampled(1), sampled(2)]);
    expect(textOf(a.content)).toBe(textOf(b.content));
    expect(textOf(a.content)).not.toBe(textOf(c.content));
    expect(a.warnings).toEqual([]);
  });

  it("warns about settings that cannot apply instead of failing", async () => {
    const result = await model.doGenerate(
      call({
        maxOutputTokens: 2,
        topK: 5,
        presencePenalty: 0.5,
        frequencyPenalty: 0.5,
        tools: [{ type: "provider", id: "openai.web_search", name: "web_search", args: {} }],
      }),
    );
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "other", message: expect.stringContaining("topK") }),
        expect.objectContaining({ type: "unsupported", feature: "provider tool web_search" }),
      ]),
    );
  });

  it("renders system, user, assistant and tool messages with the model's chat template", async () => {
    const prompt: LanguageModelV3Prompt = [
      { role: "system", content: "You are a weather bot." },
      { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "I should look it up." },
          { type: "text", text: "Let me check." },
          { type: "tool-call", toolCallId: "c1", toolName: "weather", input: { city: "Oslo" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "weather",
            output: { type: "json", value: { temp: 3 } },
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "It is 3 degrees." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "Thanks!" },
          { type: "file", mediaType: "text/plain", data: "note.txt body" },
        ],
      },
    ];
    const result = await model.doGenerate({ prompt, maxOutputTokens: 4 });
    expect(result.usage.inputTokens.total).toBeGreaterThan(60);
    await expect(
      model.doGenerate({
        prompt: [
          { role: "user", content: [{ type: "file", mediaType: "image/png", data: new Uint8Array([1]) }] },
        ],
      }),
    ).rejects.toMatchObject({ code: "invalid_request", message: expect.stringContaining("image/png") });
  });
});

describe("usage counts", () => {
  it("counts the prompt after generation exactly as tokenizing it before (text, JSON, tools, stops, cache)", async () => {
    // 2048 tokens of context: every call below takes the count-after path (a byte bound proves it fits).
    // 400: the bound does not fit, so the provider tokenizes first. Both must report the same counts.
    const wide = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
    const narrow = createLlamaCpp({ threads: 1, contextSize: 400, sequences: 1, gpu: false });
    const question = `${"Pan de masa madre, horarios y pedidos para la fiesta del barrio. ".repeat(6)}¿Qué recomiendas?`;
    const tool = {
      type: "function" as const,
      name: "order_status",
      inputSchema: { type: "object", properties: { order: { type: "string" } }, required: ["order"] },
    };
    const calls = [
      call({ prompt: user(question), maxOutputTokens: 6 }),
      call({ prompt: user(question), maxOutputTokens: 3 }),
      call({ prompt: user(question), maxOutputTokens: 12, responseFormat: { type: "json" } }),
      call({ prompt: user(question), maxOutputTokens: 16, tools: [tool], toolChoice: { type: "required" } }),
      call({ prompt: user(question), maxOutputTokens: 20, stopSequences: ["e"] }),
      call({
        prompt: [
          ...user(question),
          { role: "assistant", content: [{ type: "text", text: "Pan de centeno." }] },
          ...user("¿Y para mañana?"),
        ],
        maxOutputTokens: 4,
      }),
    ];
    try {
      const counts = async (provider: LlamaCppProvider) => {
        const m = provider.languageModel(modelPath);
        const out = [];
        for (const options of calls) out.push((await m.doGenerate(options)).usage.inputTokens);
        return out;
      };
      const after = await counts(wide);
      const before = await counts(narrow);
      expect(after).toEqual(before);
      expect(Buffer.byteLength(question)).toBeGreaterThan(400); // the narrow provider really took the exact path
      expect(after[1]!.cacheRead).toBe(after[1]!.total); // the same prompt again: all cached
      expect(after[5]!.cacheRead).toBeGreaterThan(after[0]!.total! - 5); // the next turn reuses the first
    } finally {
      await wide.dispose();
      await narrow.dispose();
    }
  });
});

describe("acquireSequence", () => {
  it("lends the sequence a call would use; calls wait until it is released", async () => {
    const lone = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
    try {
      const m = lone.languageModel(modelPath);
      const lease = await lone.acquireSequence(modelPath);
      const tokens = lease.sequence.model.tokenize("warm");
      await lease.sequence.evaluateWithoutGeneratingNewTokens(tokens);
      let done = false;
      const waiting = m.doGenerate(call({ maxOutputTokens: 2 })).then((result) => {
        done = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(done).toBe(false);
      lease.release();
      const result = await waiting;
      expect(result.usage.outputTokens.total).toBe(2);
      expect(result.usage.inputTokens.cacheRead).toBe(0); // the lent sequence held other tokens
    } finally {
      await lone.dispose();
    }
  });
});

describe("limits and cancellation", () => {
  it("ends with finishReason length at maxOutputTokens", async () => {
    const result = await model.doGenerate(call({ maxOutputTokens: 5 }));
    expect(result.finishReason.unified).toBe("length");
    expect(result.usage.outputTokens.total).toBe(5);
  });

  it("rejects a prompt longer than the context with context_length_exceeded, before generating", async () => {
    const small = createLlamaCpp({ threads: 1, contextSize: 256, sequences: 1, gpu: false });
    try {
      const long = "the weather is fine today and tomorrow ".repeat(120);
      const error = await small
        .languageModel(modelPath)
        .doGenerate(call({ prompt: user(long) }))
        .catch((e: unknown) => e);
      expect(AlambiqueError.isInstance(error)).toBe(true);
      const e = error as AlambiqueError;
      expect(e.code).toBe("context_length_exceeded");
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/the prompt is \d+ tokens, but the model's context holds 256 tokens/);
      expect(e.hint).toContain("raise contextSize");
      // The sequence was given back: a short prompt still runs on the single-sequence pool.
      const ok = await small.languageModel(modelPath).doGenerate(call({ maxOutputTokens: 2 }));
      expect(ok.usage.outputTokens.total).toBe(2);
    } finally {
      await small.dispose();
    }
  });

  it("caps generation at the end of the context instead of shifting it", async () => {
    const small = createLlamaCpp({ threads: 1, contextSize: 256, sequences: 1, gpu: false });
    try {
      const result = await small.languageModel(modelPath).doGenerate(call({ maxOutputTokens: 5000 }));
      expect(result.finishReason.unified).toBe("length");
      expect(result.usage.inputTokens.total! + result.usage.outputTokens.total!).toBe(256);
    } finally {
      await small.dispose();
    }
  });

  it("stops at once when aborted mid-generation and frees the sequence", async () => {
    const lone = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
    try {
      const m = lone.languageModel(modelPath);
      await m.doGenerate(call({ maxOutputTokens: 1 }));
      for (const streaming of [false, true]) {
        const controller = new AbortController();
        let abortedAt = 0;
        const started = Date.now();
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, 60);
        const running = streaming
          ? m.doStream(call({ abortSignal: controller.signal })).then(({ stream }) => readAll(stream))
          : m.doGenerate(call({ abortSignal: controller.signal }));
        const error = await running.then(
          () => undefined,
          (e: unknown) => e,
        );
        const settled = Date.now();
        expect((error as Error)?.name).toBe("AbortError");
        expect(abortedAt - started).toBeGreaterThanOrEqual(55);
        expect(settled - abortedAt).toBeLessThan(100);
        // The one sequence is free again.
        const next = await m.doGenerate(call({ maxOutputTokens: 3 }));
        expect(next.usage.outputTokens.total).toBe(3);
      }
    } finally {
      await lone.dispose();
    }
  });

  it("stops when the consumer cancels the stream", async () => {
    const { stream } = await model.doStream(call());
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    const cancelled = Date.now();
    await reader.cancel();
    const next = await model.doGenerate(call({ maxOutputTokens: 2 }));
    expect(next.finishReason.unified).toBe("length");
    expect(Date.now() - cancelled).toBeLessThan(1000);
  });

  it("runs 4 concurrent requests in parallel on 4 sequences, and queues the rest", async () => {
    const runs = Array.from({ length: 6 }, (_, i) =>
      model.doGenerate(call({ maxOutputTokens: 40, temperature: 1, seed: i + 1 })),
    );
    const results = await Promise.all(runs);
    for (const result of results) expect(result.usage.outputTokens.total).toBe(40);
    expect(new Set(results.map((r) => textOf(r.content))).size).toBe(6);
  });
});
