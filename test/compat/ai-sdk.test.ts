import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateObject, generateText, streamText, ToolChoiceViolationError, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CATALOG_MODEL,
  type CompatServer,
  MODEL_AGENT,
  RETRIEVAL_AGENT,
  startCompatServer,
} from "./compat-server.fixture.js";
import {
  CUT_CALL_TOKENS,
  FROM_DOCUMENTS,
  MOOD,
  QUESTION,
  WEATHER_PROMPT,
  WEATHER_TOOL,
  WHOLE_CALL_TOKENS,
} from "./tools.fixture.js";

// The Vercel AI SDK through @ai-sdk/openai-compatible, unmodified, against the real server: generateText,
// streamText, tools and generateObject, with catalog and agent models (no `user`), tool calls whole and cut.

let server: CompatServer;
let provider: ReturnType<typeof createOpenAICompatible>;
beforeAll(async () => {
  server = await startCompatServer();
  provider = createOpenAICompatible({
    name: "alambique",
    baseURL: server.baseURL,
    apiKey: server.apiKey,
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
});
afterAll(() => server.close());

const tools = {
  [WEATHER_TOOL.name]: tool({ description: WEATHER_TOOL.description, inputSchema: WEATHER_TOOL.schema }),
};

describe("the AI SDK", () => {
  it("generateText and streamText with a catalog model", async () => {
    const params = {
      model: provider.chatModel(CATALOG_MODEL),
      prompt: "Hola",
      maxOutputTokens: 8,
      temperature: 0,
      maxRetries: 0,
    };
    const generated = await generateText(params);
    const streamed = streamText(params);
    expect(generated.finishReason).toBe("length");
    expect(await streamed.text).toBe(generated.text);
    expect(await streamed.finishReason).toBe("length");
    expect((await streamed.usage).outputTokens).toBe(8);
  });

  it.each([RETRIEVAL_AGENT, MODEL_AGENT])("generateText and streamText with %s, no `user`", async (model) => {
    const params = { model: provider.chatModel(model), prompt: QUESTION, maxRetries: 0 };
    const generated = await generateText(params);
    const streamed = streamText(params);
    for (const answer of [
      { text: generated.text, finishReason: generated.finishReason },
      { text: await streamed.text, finishReason: await streamed.finishReason },
    ]) {
      expect(answer.finishReason).toBe("stop");
      expect(answer.text.trim()).not.toBe("");
      if (model === RETRIEVAL_AGENT) expect(answer.text).toContain(FROM_DOCUMENTS);
    }
  });

  it("tools: a whole call, generated or streamed", async () => {
    const params = {
      model: provider.chatModel(CATALOG_MODEL),
      prompt: WEATHER_PROMPT,
      tools,
      toolChoice: "required" as const,
      maxOutputTokens: WHOLE_CALL_TOKENS,
      maxRetries: 0,
    };
    const generated = await generateText(params);
    const streamed = streamText(params);
    for (const [finishReason, calls] of [
      [generated.finishReason, generated.toolCalls],
      [await streamed.finishReason, await streamed.toolCalls],
    ] as const) {
      expect(finishReason).toBe("tool-calls");
      expect(calls).toHaveLength(1);
      expect(calls[0]?.toolName).toBe(WEATHER_TOOL.name);
      expect(calls[0]?.invalid ?? false).toBe(false);
      expect(WEATHER_TOOL.schema.safeParse(calls[0]?.input).success).toBe(true);
    }
  });

  it("tools: a call maxOutputTokens cuts is never handed over, and the finish reason says `length`", async () => {
    const params = {
      model: provider.chatModel(CATALOG_MODEL),
      prompt: WEATHER_PROMPT,
      tools,
      maxOutputTokens: CUT_CALL_TOKENS,
      maxRetries: 0,
    };
    // The choice left to the model: the step simply ends, cut, with no call.
    const required = { ...params, toolChoice: "required" as const };
    const generated = await generateText(params);
    expect(generated.finishReason).toBe("length");
    expect(generated.toolCalls).toEqual([]);
    // With a call required, the AI SDK itself refuses a step with none, and says the answer was cut.
    const refused = await generateText(required).catch((error: unknown) => error);
    expect(ToolChoiceViolationError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ finishReason: "length" });
    const streamed = streamText({ ...required, onError: () => {} });
    expect(await streamed.toolCalls).toEqual([]);
    expect(await streamed.finishReason).toBe("length");
  });

  it("generateObject gets an object that validates", async () => {
    const { object } = await generateObject({
      model: provider.chatModel(CATALOG_MODEL),
      schema: MOOD,
      prompt: "How do you feel today?",
      maxOutputTokens: WHOLE_CALL_TOKENS,
      maxRetries: 0,
    });
    expect(MOOD.safeParse(object).success).toBe(true);
  });
});
