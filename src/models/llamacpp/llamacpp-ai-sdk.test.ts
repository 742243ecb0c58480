import { generateObject, generateText, Output, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "./create-llamacpp-provider.js";

/** End to end through the AI SDK's own functions: the proof that the provider speaks V3 as the SDK expects. */

let llamacpp: LlamaCppProvider;
let modelPath: string;

beforeAll(async () => {
  modelPath = await forgedModelPath("tiny", 1);
  llamacpp = createLlamaCpp({ threads: 1, contextSize: 2048, gpu: false });
});
afterAll(async () => {
  await llamacpp.dispose();
});

const person = z.object({
  name: z.string().max(20),
  age: z.number().int().min(0).max(120),
  languages: z
    .array(z.enum(["en", "es", "pt"]))
    .min(1)
    .max(3),
});

describe("the AI SDK with the embedded provider", () => {
  it("generateText", async () => {
    const result = await generateText({ model: llamacpp(modelPath), prompt: "Hello!", maxOutputTokens: 12 });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe("length");
    expect(result.usage.outputTokens).toBe(12);
    expect(result.usage.inputTokens).toBeGreaterThan(5);
    expect(result.warnings).toEqual([]);
  });

  it("streamText", async () => {
    const result = streamText({
      model: llamacpp(modelPath),
      system: "Be brief.",
      prompt: "Hello!",
      maxOutputTokens: 12,
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe(await result.text);
    expect(text.length).toBeGreaterThan(0);
    expect(await result.finishReason).toBe("length");
    expect((await result.usage).outputTokens).toBe(12);
  });

  it("generateObject and Output.object return schema-valid objects", async () => {
    for (const seed of [1, 2, 3]) {
      const { object } = await generateObject({
        model: llamacpp(modelPath),
        schema: person,
        prompt: "Describe a customer.",
        temperature: 1,
        seed,
        maxOutputTokens: 400,
      });
      expect(person.safeParse(object).success).toBe(true);
    }
    const { output } = await generateText({
      model: llamacpp(modelPath),
      output: Output.object({ schema: person }),
      prompt: "Describe a customer.",
      temperature: 1,
      seed: 4,
      maxOutputTokens: 400,
    });
    expect(person.safeParse(output).success).toBe(true);
  });

  it("runs a tool loop: a forced call, executed by the SDK, whose result the next step reads", async () => {
    const seen: unknown[] = [];
    const result = await generateText({
      model: llamacpp(modelPath),
      prompt: "What is the weather in Lisbon?",
      tools: {
        weather: tool({
          description: "Current weather in a city",
          inputSchema: z.object({ city: z.string().max(20), unit: z.enum(["c", "f"]) }),
          execute: async (input) => {
            seen.push(input);
            return { temperature: 21, unit: input.unit };
          },
        }),
      },
      temperature: 1,
      seed: 5,
      maxOutputTokens: 200,
      stopWhen: stepCountIs(2),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? "required" : "none" }),
    });
    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    expect(first!.finishReason).toBe("tool-calls");
    expect(first!.toolCalls).toHaveLength(1);
    expect(first!.toolResults[0]?.output).toMatchObject({ temperature: 21 });
    expect(seen).toHaveLength(1);
    expect(second!.text.length).toBeGreaterThan(0);
    // The second prompt carries the call and its result (rendered by the chat template) after the question.
    const question = await generateText({
      model: llamacpp(modelPath),
      prompt: "What is the weather in Lisbon?",
      maxOutputTokens: 1,
    });
    expect(second!.usage.inputTokens).toBeGreaterThan(question.usage.inputTokens! + 15);
  });

  it("streams tool calls", async () => {
    const result = streamText({
      model: llamacpp(modelPath),
      prompt: "Find shoes.",
      tools: {
        search: tool({
          inputSchema: z.object({ query: z.string().max(20), limit: z.number().int().min(1).max(5) }),
        }),
      },
      toolChoice: "required",
      temperature: 1,
      seed: 2,
      maxOutputTokens: 200,
    });
    const calls = await result.toolCalls;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.toolName).toBe("search");
    expect(await result.finishReason).toBe("tool-calls");
  });

  it("passes our errors through unchanged", async () => {
    await expect(
      generateText({ model: llamacpp("/no/such/model.gguf"), prompt: "Hi" }),
    ).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining("/no/such/model.gguf"),
    });
  });
});
