import type { JSONSchema7, LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "./create-llamacpp-provider.js";
import type { LlamaCppLanguageModel } from "./llamacpp-language-model.js";
import { call, readAll, textOf } from "./llamacpp-test.fixture.js";

/**
 * Structured output and tool calls on a forged random-weight model: its
 * output is nonsense, so whatever is valid here is valid because of the
 * grammar, for every seed.
 */

let provider: LlamaCppProvider;
let model: LlamaCppLanguageModel;

beforeAll(async () => {
  provider = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 4, gpu: false });
  model = provider.languageModel(await forgedModelPath("tiny", 1));
});
afterAll(async () => {
  await provider.dispose();
});

describe("structured output", () => {
  const schema = z.toJSONSchema(
    z.object({
      city: z.string().max(24),
      unit: z.enum(["celsius", "fahrenheit"]),
      days: z.number().int().min(1).max(14),
      temperature: z.number().min(-60).max(60),
      chanceOfRain: z.number().min(0).max(1),
      alerts: z
        .array(z.object({ level: z.enum(["low", "high"]), note: z.string().max(20).nullable() }))
        .max(3),
      updated: z.iso.date(),
      station: z.uuid().optional(),
      coordinates: z.tuple([z.number().int().min(-90).max(90), z.number().int().min(-180).max(180)]),
      source: z.union([z.literal("model"), z.object({ url: z.string().max(30) })]),
    }),
    { target: "draft-7" },
  ) as JSONSchema7;
  const validate = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);

  it("always returns JSON that parses and matches the schema (20 seeds)", async () => {
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
    const results = await Promise.all(
      seeds.map((seed) =>
        model.doGenerate(
          call({
            responseFormat: { type: "json", schema, name: "forecast" },
            temperature: 1,
            seed,
            maxOutputTokens: 1500,
          }),
        ),
      ),
    );
    for (const [i, result] of results.entries()) {
      const text = textOf(result.content);
      expect(result.finishReason.unified, `seed ${seeds[i]}: ${text}`).toBe("stop");
      const value: unknown = JSON.parse(text);
      const check = validate.safeParse(value);
      expect(check.success, `seed ${seeds[i]}: ${text}\n${JSON.stringify(check.error?.issues)}`).toBe(true);
    }
    expect(new Set(results.map((r) => textOf(r.content))).size).toBeGreaterThan(15);
  });

  it("closes JSON cut short by maxOutputTokens so it still parses and matches, in both APIs (20 seeds)", async () => {
    const order = z.object({
      id: z.string().max(12),
      status: z.enum(["pending", "shipped"]),
      quantity: z.number().int().min(1).max(99),
      lines: z
        .array(z.object({ sku: z.string().max(8), gift: z.boolean().nullable() }))
        .min(1)
        .max(3),
      note: z.string().max(20).optional(),
    });
    const responseFormat = {
      type: "json" as const,
      schema: z.toJSONSchema(order, { target: "draft-7" }) as JSONSchema7,
    };
    for (const seed of Array.from({ length: 20 }, (_, i) => i + 1)) {
      const options = call({ responseFormat, temperature: 1, seed, maxOutputTokens: 2 + (seed % 13) });
      const result = await model.doGenerate(options);
      const text = textOf(result.content);
      expect(result.finishReason.unified).toBe("length");
      expect(result.providerMetadata?.llamacpp?.completedJson, text).toBe(true);
      expect(order.safeParse(JSON.parse(text)).success, `seed ${seed}: ${text}`).toBe(true);
      const { stream } = await model.doStream(options);
      const streamed = (await readAll(stream))
        .flatMap((p) => (p.type === "text-delta" ? [p.delta] : []))
        .join("");
      expect(streamed).toBe(text);
    }
  });

  it("returns the cut-short text as it is, finish reason length, when it cannot be closed", async () => {
    // completeJsonPrefix has no minimal value for string formats such as "date".
    const dated = {
      type: "object",
      properties: { day: { type: "string", format: "date" } },
      required: ["day"],
    };
    const result = await model.doGenerate(
      call({
        responseFormat: { type: "json", schema: dated as JSONSchema7 },
        temperature: 1,
        seed: 1,
        maxOutputTokens: 3,
      }),
    );
    expect(result.finishReason.unified).toBe("length");
    expect(result.providerMetadata?.llamacpp?.completedJson).toBeUndefined();
    expect(() => JSON.parse(textOf(result.content))).toThrow();
  });

  it("returns a JSON object when no schema is given", async () => {
    const result = await model.doGenerate(
      call({ responseFormat: { type: "json" }, temperature: 1, seed: 3, maxOutputTokens: 800 }),
    );
    const value: unknown = JSON.parse(textOf(result.content));
    expect(typeof value === "object" && value !== null && !Array.isArray(value)).toBe(true);
  });

  it("rejects a schema the grammar cannot express, naming the keyword", async () => {
    const bad = {
      type: "object",
      properties: { code: { type: "string", pattern: "^(a)\\1$" } },
    } as JSONSchema7;
    await expect(
      model.doGenerate(call({ responseFormat: { type: "json", schema: bad } })),
    ).rejects.toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining('"pattern"'),
    });
    await expect(
      model.doStream(call({ responseFormat: { type: "json", schema: bad } })),
    ).rejects.toMatchObject({
      code: "invalid_request",
    });
  });
});

describe("tool calls", () => {
  const weather = z.object({
    city: z.string().max(20),
    unit: z.enum(["c", "f"]),
    days: z.number().int().min(1).max(7),
  });
  const search = z.object({
    query: z.string().max(30),
    limit: z.number().int().positive().max(10).optional(),
  });
  const tools: LanguageModelV3FunctionTool[] = [
    {
      type: "function",
      name: "get_weather",
      description: "Weather forecast",
      inputSchema: z.toJSONSchema(weather) as JSONSchema7,
    },
    {
      type: "function",
      name: "search",
      description: "Web search",
      inputSchema: z.toJSONSchema(search) as JSONSchema7,
    },
  ];
  const validators: Record<string, z.ZodType> = { get_weather: weather, search };
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

  function expectValidCall(
    part: { type: string; toolName?: string; input?: string; toolCallId?: string },
    label: string,
  ) {
    expect(part.type).toBe("tool-call");
    const check = validators[part.toolName!]!.safeParse(JSON.parse(part.input!));
    expect(check.success, `${label}: ${part.toolName} ${part.input}`).toBe(true);
    expect(part.toolCallId).toBeTruthy();
  }

  it("with toolChoice required, always makes exactly one valid call (20 seeds)", async () => {
    const results = await Promise.all(
      seeds.map((seed) =>
        model.doGenerate(
          call({ tools, toolChoice: { type: "required" }, temperature: 1, seed, maxOutputTokens: 600 }),
        ),
      ),
    );
    const names = new Set<string>();
    for (const [i, result] of results.entries()) {
      const calls = result.content.filter((p) => p.type === "tool-call");
      expect(calls, `seed ${seeds[i]}`).toHaveLength(1);
      expect(result.content.filter((p) => p.type === "text")).toHaveLength(0);
      expectValidCall(calls[0]!, `seed ${seeds[i]}`);
      names.add((calls[0] as { toolName: string }).toolName);
      expect(result.finishReason.unified).toBe("tool-calls");
    }
    expect(names.size).toBe(2);
  });

  it("with a named tool, always calls that tool with valid input (20 seeds)", async () => {
    const results = await Promise.all(
      seeds.map((seed) =>
        model.doGenerate(
          call({
            tools,
            toolChoice: { type: "tool", toolName: "search" },
            temperature: 1,
            seed,
            maxOutputTokens: 600,
          }),
        ),
      ),
    );
    for (const [i, result] of results.entries()) {
      const calls = result.content.filter((p) => p.type === "tool-call");
      expect(calls).toHaveLength(1);
      expect((calls[0] as { toolName: string }).toolName).toBe("search");
      expectValidCall(calls[0]!, `seed ${seeds[i]}`);
    }
  });

  it("with toolChoice auto, any call it makes is valid and the finish reason agrees (20 seeds)", async () => {
    const results = await Promise.all(
      seeds.map((seed) => model.doGenerate(call({ tools, temperature: 1, seed, maxOutputTokens: 120 }))),
    );
    for (const [i, result] of results.entries()) {
      const calls = result.content.filter((p) => p.type === "tool-call");
      for (const part of calls) expectValidCall(part, `seed ${seeds[i]}`);
      expect(result.finishReason.unified === "tool-calls").toBe(calls.length > 0);
    }
  });

  it("with tools and a JSON response format, gives either a valid call or valid JSON (20 seeds)", async () => {
    const answer = z.object({ summary: z.string().max(30), confidence: z.number().min(0).max(1) });
    const responseFormat = { type: "json" as const, schema: z.toJSONSchema(answer) as JSONSchema7 };
    const results = await Promise.all(
      seeds.map((seed) =>
        model.doGenerate(call({ tools, responseFormat, temperature: 1, seed, maxOutputTokens: 600 })),
      ),
    );
    for (const [i, result] of results.entries()) {
      const calls = result.content.filter((p) => p.type === "tool-call");
      if (calls.length > 0) {
        expect(calls).toHaveLength(1);
        expectValidCall(calls[0]!, `seed ${seeds[i]}`);
        expect(result.finishReason.unified).toBe("tool-calls");
      } else {
        expect(answer.safeParse(JSON.parse(textOf(result.content))).success, textOf(result.content)).toBe(
          true,
        );
        expect(result.finishReason.unified).toBe("stop");
      }
    }
  });

  it("streams a forced call as tool-input parts that add up to the final input", async () => {
    const { stream } = await model.doStream(
      call({
        tools,
        toolChoice: { type: "tool", toolName: "get_weather" },
        temperature: 1,
        seed: 7,
        maxOutputTokens: 600,
      }),
    );
    const parts = await readAll(stream);
    const types = parts.map((p) => p.type);
    expect(types).toEqual(
      expect.arrayContaining(["tool-input-start", "tool-input-delta", "tool-input-end", "tool-call"]),
    );
    const callPart = parts.find((p) => p.type === "tool-call");
    expectValidCall(callPart!, "stream");
    const streamed = parts.flatMap((p) => (p.type === "tool-input-delta" ? [p.delta] : [])).join("");
    expect(JSON.parse(streamed)).toEqual(JSON.parse((callPart as { input: string }).input));
    const finish = parts.at(-1);
    expect(finish?.type === "finish" && finish.finishReason.unified).toBe("tool-calls");
  });

  it("drops a forced call that maxOutputTokens cut short instead of inventing its arguments", async () => {
    const result = await model.doGenerate(
      call({ tools, toolChoice: { type: "required" }, temperature: 1, seed: 1, maxOutputTokens: 4 }),
    );
    expect(result.content).toEqual([]);
    expect(result.finishReason.unified).toBe("length");
  });

  it("rejects toolChoice naming a tool that was not given", async () => {
    await expect(
      model.doGenerate(call({ tools, toolChoice: { type: "tool", toolName: "nope" } })),
    ).rejects.toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining('"nope"'),
    });
  });

  it("with toolChoice none, writes text even when tools are given", async () => {
    const result = await model.doGenerate(call({ tools, toolChoice: { type: "none" }, maxOutputTokens: 8 }));
    expect(result.content.every((p) => p.type === "text")).toBe(true);
  });
});
