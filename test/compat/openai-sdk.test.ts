import OpenAI from "openai";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
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
  QUESTION,
  WEATHER_PARAMETERS,
  WEATHER_PROMPT,
  WEATHER_TOOL,
  WHOLE_CALL_TOKENS,
} from "./tools.fixture.js";

// The official `openai` client, unmodified, against the real server: catalog and agent models, streamed and
// not, tool calls whole and cut by max_tokens. Agents get no `user`, as no stock client sends one.

let server: CompatServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startCompatServer();
  client = new OpenAI({ baseURL: server.baseURL, apiKey: server.apiKey, maxRetries: 0 });
});
afterAll(() => server.close());

const tool: ChatCompletionTool = {
  type: "function",
  function: {
    name: WEATHER_TOOL.name,
    description: WEATHER_TOOL.description,
    parameters: WEATHER_PARAMETERS,
  },
};

/** A streamed completion, put back together as the client's users do. */
async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let content = "";
  let finish: string | null = null;
  const calls = new Map<number, { name: string; arguments: string }>();
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    content += choice?.delta.content ?? "";
    for (const delta of choice?.delta.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { name: "", arguments: "" };
      call.name += delta.function?.name ?? "";
      call.arguments += delta.function?.arguments ?? "";
      calls.set(delta.index, call);
    }
    finish = choice?.finish_reason ?? finish;
  }
  return { content, finish, calls: [...calls.values()] };
}

describe("the openai client", () => {
  it("lists the catalog's models and the agents", async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([CATALOG_MODEL, RETRIEVAL_AGENT, MODEL_AGENT]));
  });

  it("completes with a catalog model, streamed or not", async () => {
    const params = {
      model: CATALOG_MODEL,
      messages: [{ role: "user" as const, content: "Hola" }],
      max_tokens: 8,
      temperature: 0,
    };
    const whole = await client.chat.completions.create(params);
    const streamed = await collect(await client.chat.completions.create({ ...params, stream: true }));
    expect(whole.choices[0]?.finish_reason).toBe("length");
    expect(streamed).toMatchObject({ content: whole.choices[0]?.message.content, finish: "length" });
  });

  it.each([RETRIEVAL_AGENT, MODEL_AGENT])("talks to %s with no `user`, streamed or not", async (model) => {
    const messages = [{ role: "user" as const, content: QUESTION }];
    const whole = await client.chat.completions.create({ model, messages });
    const streamed = await collect(await client.chat.completions.create({ model, messages, stream: true }));
    for (const answer of [
      { content: whole.choices[0]?.message.content ?? "", finish: whole.choices[0]?.finish_reason },
      streamed,
    ]) {
      expect(answer.finish).toBe("stop");
      expect(answer.content.trim()).not.toBe("");
      if (model === RETRIEVAL_AGENT) expect(answer.content).toContain(FROM_DOCUMENTS);
    }
  });

  it("gets a whole tool call, streamed or not", async () => {
    const params = {
      model: CATALOG_MODEL,
      messages: [{ role: "user" as const, content: WEATHER_PROMPT }],
      tools: [tool],
      tool_choice: "required" as const,
      max_tokens: WHOLE_CALL_TOKENS,
    };
    const whole = await client.chat.completions.create(params);
    const streamed = await collect(await client.chat.completions.create({ ...params, stream: true }));
    const wholeCall = whole.choices[0]?.message.tool_calls?.[0];
    if (wholeCall?.type !== "function") throw new Error("expected a function call");
    for (const [finish, call] of [
      [whole.choices[0]?.finish_reason, wholeCall.function],
      [streamed.finish, streamed.calls[0]],
    ] as const) {
      expect(finish).toBe("tool_calls");
      expect(call?.name).toBe(WEATHER_TOOL.name);
      expect(WEATHER_TOOL.schema.safeParse(JSON.parse(call?.arguments ?? "")).success).toBe(true);
    }
  });

  it("gets no half call when max_tokens cuts it, and `length`, streamed or not", async () => {
    const params = {
      model: CATALOG_MODEL,
      messages: [{ role: "user" as const, content: WEATHER_PROMPT }],
      tools: [tool],
      tool_choice: "required" as const,
      max_tokens: CUT_CALL_TOKENS,
    };
    const whole = await client.chat.completions.create(params);
    expect(whole.choices[0]?.finish_reason).toBe("length");
    expect(whole.choices[0]?.message.tool_calls).toBeUndefined();
    const streamed = await collect(await client.chat.completions.create({ ...params, stream: true }));
    expect(streamed).toMatchObject({ finish: "length", calls: [] });
  });
});
