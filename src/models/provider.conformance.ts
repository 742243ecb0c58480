import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import { embed, embedMany, generateText, Output, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

export interface ProviderUnderTest {
  model: LanguageModelV3;
  /** Absent when the provider has no embedding model; the embedding cases are then skipped, saying so. */
  embedding?: EmbeddingModelV3;
  teardown(): Promise<void>;
}

/**
 * The contract every model provider keeps, exercised through the `ai`
 * package's functions the way the rest of Alambique calls models. Each
 * implementation runs it from its own test file:
 *
 *     describeProviderConformance("llama.cpp", async () => ({ model, embedding, teardown }));
 *
 * The cases assume nothing about what the model knows: they pass on a forged
 * random-weight model. Where they need repeatable output they decode greedily
 * (`temperature: 0`); structured output and tool calls must hold for any seed,
 * since providers enforce them (grammars, guided decoding), not the model.
 * `maxRetries: 0` everywhere: a retry must never hide a failure.
 */
export function describeProviderConformance(name: string, setup: () => Promise<ProviderUnderTest>): void {
  describe(`provider conformance: ${name}`, () => {
    let subject: ProviderUnderTest;
    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject?.teardown();
    });
    const base = { maxRetries: 0, temperature: 0 } as const;

    it("generates text and counts input and output tokens", async () => {
      const result = await generateText({
        ...base,
        model: subject.model,
        prompt: "Tell me a story.",
        maxOutputTokens: 24,
      });
      expect(typeof result.text).toBe("string");
      expect(["stop", "length"]).toContain(result.finishReason);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeLessThanOrEqual(24);
    });

    it("streams text deltas that concatenate to the final text", async () => {
      const result = streamText({
        ...base,
        model: subject.model,
        prompt: "Tell me a story.",
        maxOutputTokens: 24,
      });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join("")).toBe(await result.text);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
      expect(["stop", "length"]).toContain(await result.finishReason);
    });

    it("stops at maxOutputTokens with finish reason length", async () => {
      const result = await generateText({
        ...base,
        model: subject.model,
        prompt: "Count to one hundred.",
        maxOutputTokens: 4,
      });
      expect(result.finishReason).toBe("length");
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeLessThanOrEqual(4);
    });

    it("stops before a stop sequence and leaves it out", async () => {
      const call = { ...base, model: subject.model, prompt: "Write a long sentence.", maxOutputTokens: 32 };
      const full = (await generateText(call)).text;
      // A stop string from the middle of what greedy decoding produces: the second run must end just before it.
      const stop = pickStopSequence(full);
      const expected = full.slice(0, full.indexOf(stop));
      const stopped = await generateText({ ...call, stopSequences: [stop] });
      expect(stopped.text).toBe(expected);
      expect(stopped.finishReason).toBe("stop");
    });

    it.each([1, 2, 3])("returns JSON that matches the schema (seed %i)", async (seed) => {
      const schema = z.object({
        answer: z.enum(["yes", "no", "maybe"]),
        confident: z.boolean(),
        label: z.string().max(16),
        tags: z.array(z.enum(["red", "green", "blue"])).max(3),
      });
      const result = await generateText({
        ...base,
        temperature: 1,
        seed,
        model: subject.model,
        output: Output.object({ schema }),
        prompt: "Answer in JSON.",
        maxOutputTokens: 200,
      });
      expect(schema.safeParse(JSON.parse(result.text)).success).toBe(true);
      expect(schema.safeParse(result.output).success).toBe(true);
    });

    const orderInput = z.object({ order_id: z.string().max(12), priority: z.enum(["low", "high"]) });
    const cancelInput = z.object({ order_id: z.string().max(12) });
    const tools = {
      lookup_order: tool({ description: "Find an order by its id.", inputSchema: orderInput }),
      cancel_order: tool({ description: "Cancel an order.", inputSchema: cancelInput }),
    };

    it.each([1, 2])(
      "calls a tool with arguments that match its schema when a call is required (seed %i)",
      async (seed) => {
        const result = await generateText({
          ...base,
          temperature: 1,
          seed,
          model: subject.model,
          tools,
          toolChoice: "required",
          prompt: "Where is my order?",
          maxOutputTokens: 200,
        });
        expect(result.finishReason).toBe("tool-calls");
        expect(result.toolCalls.length).toBeGreaterThan(0);
        for (const call of result.toolCalls) {
          expect(call.invalid).toBeFalsy();
          expect(Object.keys(tools)).toContain(call.toolName);
          const schema = call.toolName === "lookup_order" ? orderInput : cancelInput;
          expect(schema.safeParse(call.input).success).toBe(true);
        }
      },
    );

    it("calls the one tool it is told to call", async () => {
      const result = await generateText({
        ...base,
        model: subject.model,
        tools,
        toolChoice: { type: "tool", toolName: "lookup_order" },
        prompt: "Where is my order?",
        maxOutputTokens: 200,
      });
      expect(result.toolCalls.map((call) => call.toolName)).toEqual(["lookup_order"]);
      expect(orderInput.safeParse(result.toolCalls[0]?.input).success).toBe(true);
    });

    it("streams a tool call", async () => {
      const result = streamText({
        ...base,
        model: subject.model,
        tools,
        toolChoice: { type: "tool", toolName: "lookup_order" },
        prompt: "Where is my order?",
        maxOutputTokens: 200,
      });
      const calls: unknown[] = [];
      for await (const part of result.fullStream) {
        if (part.type === "tool-call") calls.push(part.input);
        if (part.type === "error") throw part.error;
      }
      expect(calls).toHaveLength(1);
      expect(orderInput.safeParse(calls[0]).success).toBe(true);
      expect(await result.finishReason).toBe("tool-calls");
    });

    it("round-trips a tool call: call, result, then a reply that uses no tool", async () => {
      const executed: unknown[] = [];
      const lookup = tool({
        description: "Find an order by its id.",
        inputSchema: orderInput,
        execute: async (input) => {
          executed.push(input);
          return { status: "shipped", eta_days: 2 };
        },
      });
      const prompt = "Where is my order?";
      // The same question with no call or result before it: what the second turn's prompt must outgrow.
      const bare = await generateText({
        ...base,
        model: subject.model,
        tools: { lookup_order: lookup },
        toolChoice: "none",
        prompt,
        maxOutputTokens: 1,
      });
      expect(executed).toHaveLength(0);
      const result = await generateText({
        ...base,
        model: subject.model,
        tools: { lookup_order: lookup },
        prompt,
        // Room for a whole forced call: a call cut short by the limit is no call.
        maxOutputTokens: 200,
        stopWhen: stepCountIs(2),
        prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? "required" : "none" }),
      });
      expect(result.steps).toHaveLength(2);
      const [first, second] = result.steps;
      expect(first?.finishReason).toBe("tool-calls");
      expect(executed).toHaveLength(1);
      expect(orderInput.safeParse(executed[0]).success).toBe(true);
      expect(first?.toolResults[0]?.output).toEqual({ status: "shipped", eta_days: 2 });
      expect(second?.toolCalls).toHaveLength(0);
      expect(["stop", "length"]).toContain(second?.finishReason);
      // The call and its result reached the model as part of the second prompt.
      expect(second?.usage.inputTokens).toBeGreaterThan(bare.usage.inputTokens ?? 0);
    });

    it("ends a stream promptly when it is aborted, and stays usable", async () => {
      const controller = new AbortController();
      const result = streamText({
        ...base,
        temperature: 1,
        model: subject.model,
        prompt: "Write a very long story.",
        maxOutputTokens: 3000,
        abortSignal: controller.signal,
      });
      let abortedAt = 0;
      let finishedNormally = false;
      try {
        for await (const part of result.fullStream) {
          if (part.type === "text-delta" && abortedAt === 0) {
            abortedAt = performance.now();
            controller.abort();
          }
          if (part.type === "finish" && part.finishReason === "length") finishedNormally = true;
        }
      } catch (error) {
        expect((error as Error).name).toBe("AbortError");
      }
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(500);
      expect(finishedNormally).toBe(false);
      const after = await generateText({
        ...base,
        model: subject.model,
        prompt: "Hello.",
        maxOutputTokens: 4,
      });
      expect(after.usage.outputTokens).toBeGreaterThan(0);
    });

    it("embeds text in vectors of one stable dimension", async (ctx) => {
      const model = subject.embedding;
      if (!model) return ctx.skip("this provider was set up without an embedding model");
      const one = await embed({ model, value: "hola, ¿cómo estás?", maxRetries: 0 });
      const dimension = one.embedding.length;
      expect(dimension).toBeGreaterThan(0);
      expect(one.embedding.every(Number.isFinite)).toBe(true);
      const many = await embedMany({ model, values: ["uno", "dos", "hola, ¿cómo estás?"], maxRetries: 0 });
      expect(many.embeddings.map((e) => e.length)).toEqual([dimension, dimension, dimension]);
      // The same text gives the same vector, in a batch or alone.
      for (const [i, x] of (many.embeddings[2] ?? []).entries())
        expect(x).toBeCloseTo(one.embedding[i] ?? Number.NaN, 4);
      expect(many.embeddings[0]).not.toEqual(many.embeddings[1]);
    });
  });
}

/**
 * Three printable ASCII characters from the middle of `text`, not at its very
 * start, to use as a stop sequence. Throws when the text has none, which
 * means the provider produced (almost) nothing to test with.
 */
function pickStopSequence(text: string): string {
  for (let start = Math.max(1, Math.floor(text.length / 2)); start + 3 <= text.length; start++) {
    const candidate = text.slice(start, start + 3);
    if (/^[\x21-\x7e]{3}$/.test(candidate)) return candidate;
  }
  for (let start = 1; start + 3 <= text.length; start++) {
    const candidate = text.slice(start, start + 3);
    if (/^[\x21-\x7e]{3}$/.test(candidate)) return candidate;
  }
  throw new Error(`no printable stop sequence in the greedy output ${JSON.stringify(text)}`);
}
