import type { AIMessageChunk } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
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

// LangChain.js's `ChatOpenAI`, unmodified, against the real server: invoke, stream, bindTools and
// withStructuredOutput, with catalog and agent models (no `user`), tool calls whole and cut by max_tokens.

let server: CompatServer;
beforeAll(async () => {
  server = await startCompatServer();
});
afterAll(() => server.close());

function chat(model: string, maxTokens?: number): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey: server.apiKey,
    configuration: { baseURL: server.baseURL },
    maxRetries: 0,
    temperature: 0,
    ...(maxTokens ? { maxTokens } : {}),
  });
}

const weather = tool(async () => "sunny", WEATHER_TOOL);

/** A stream's chunks added up into one message, as LangChain's users do. */
async function streamed(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk> {
  let whole: AIMessageChunk | undefined;
  for await (const chunk of stream) whole = whole ? whole.concat(chunk) : chunk;
  if (!whole) throw new Error("the stream was empty");
  return whole;
}

describe("LangChain ChatOpenAI", () => {
  it("invokes and streams a catalog model", async () => {
    const llm = chat(CATALOG_MODEL, 8);
    const invoked = await llm.invoke("Hola");
    const fromStream = await streamed(await llm.stream("Hola"));
    expect(invoked.response_metadata.finish_reason).toBe("length");
    expect(fromStream.content).toBe(invoked.content);
    // ChatOpenAI asks for the usage chunk when it streams.
    expect(fromStream.usage_metadata?.output_tokens).toBe(8);
  });

  it.each([RETRIEVAL_AGENT, MODEL_AGENT])("invokes and streams %s with no `user`", async (model) => {
    const llm = chat(model);
    for (const message of [await llm.invoke(QUESTION), await streamed(await llm.stream(QUESTION))]) {
      expect(message.response_metadata.finish_reason).toBe("stop");
      expect(String(message.content).trim()).not.toBe("");
      if (model === RETRIEVAL_AGENT) expect(message.content).toContain(FROM_DOCUMENTS);
    }
  });

  it("bindTools: gets a whole tool call, invoked or streamed", async () => {
    const llm = chat(CATALOG_MODEL, WHOLE_CALL_TOKENS).bindTools([weather], { tool_choice: "required" });
    for (const message of [
      await llm.invoke(WEATHER_PROMPT),
      await streamed(await llm.stream(WEATHER_PROMPT)),
    ]) {
      expect(message.response_metadata.finish_reason).toBe("tool_calls");
      expect(message.tool_calls).toHaveLength(1);
      expect(message.tool_calls?.[0]?.name).toBe(WEATHER_TOOL.name);
      expect(WEATHER_TOOL.schema.safeParse(message.tool_calls?.[0]?.args).success).toBe(true);
      expect(message.invalid_tool_calls ?? []).toEqual([]);
    }
  });

  it("bindTools: a call max_tokens cuts is not there (no half call), and the finish reason says `length`", async () => {
    const llm = chat(CATALOG_MODEL, CUT_CALL_TOKENS).bindTools([weather], { tool_choice: "required" });
    for (const message of [
      await llm.invoke(WEATHER_PROMPT),
      await streamed(await llm.stream(WEATHER_PROMPT)),
    ]) {
      expect(message.response_metadata.finish_reason).toBe("length");
      expect(message.tool_calls ?? []).toEqual([]);
      expect(message.invalid_tool_calls ?? []).toEqual([]);
    }
  });

  it.each(["jsonSchema", "functionCalling"] as const)(
    "withStructuredOutput (%s) gets an object that validates",
    async (method) => {
      const llm = chat(CATALOG_MODEL, WHOLE_CALL_TOKENS).withStructuredOutput(MOOD, { method });
      expect(MOOD.safeParse(await llm.invoke("How do you feel today?")).success).toBe(true);
    },
  );
});
