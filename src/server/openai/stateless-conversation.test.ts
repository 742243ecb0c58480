import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3, LanguageModelV3Prompt } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../../agents/agent-runtime.js";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import type { Store, Tenant } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { createServer } from "../create-server.js";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import { instantModel, instantResolver } from "./instant-model.fixture.js";
import { STATELESS_HISTORY_LIMIT } from "./stateless-conversation.js";

// An agent model called the way every stock OpenAI client calls a model: no `user`, the whole conversation in
// `messages`. The demo bakery's agent (retrieval mode), a real store, the official client over a real socket.

const AGENT = "agent:la-espiga";
const question = "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?";
let dir: string;
let store: Store;
let tenant: Tenant;
let runtime: AgentRuntime;
let app: FastifyInstance;
let client: OpenAI;
let keyId: string;
/** What the `recorder` model was asked, call by call. */
const prompts: LanguageModelV3Prompt[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-stateless-"));
  store = await openStore(join(dir, "alambique.db"));
  tenant = await defaultTenant(store);
  await seedDemoAgent(store, tenant.id);
  const key = await store.apiKeys.create({ tenantId: tenant.id, name: "back end", scopes: ["admin"] });
  keyId = key.key.id;
  await store.agents.create({
    tenantId: tenant.id,
    name: "shop",
    spec: { name: "shop", persona: "The shop's assistant.", model: "recorder" },
  });
  const instant = instantModel();
  const recorder: LanguageModelV3 = {
    ...instant,
    doStream(call) {
      prompts.push(call.prompt);
      return instant.doStream(call);
    },
  };
  const models = instantResolver({ instant, recorder });
  runtime = new AgentRuntime({ store, models });
  app = createServer({ store, models, agents: runtime });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const baseURL = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
  client = new OpenAI({ baseURL, apiKey: key.secret, maxRetries: 0 });
});
afterAll(async () => {
  await app.close();
  await runtime.dispose();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const extensionOf = (choice: unknown) => (choice as { alambique?: AlambiqueChoiceExtension }).alambique!;

describe("an agent turn with no `user`", () => {
  it("answers, as a conversation of its own made of the request's messages, closed afterwards", async () => {
    const completion = await client.chat.completions.create({
      model: AGENT,
      messages: [
        { role: "system", content: "ignored: the agent has its own instructions" },
        { role: "user", content: "Hola, soy Ana, ana@example.com" },
        { role: "assistant", content: "¡Hola Ana! Te escribo a ana@example.com. ¿En qué te ayudo?" },
        { role: "user", content: question },
      ],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.content).toContain("Según nuestros documentos");
    const extension = extensionOf(choice);
    expect(extension).toMatchObject({ stateless: true, mode: "retrieval", status: "bot" });

    const conversation = await store.conversations.get(tenant.id, extension.conversation_id!);
    expect(conversation?.status).toBe("closed");
    expect(conversation?.externalUserId).toMatch(new RegExp(`^key:${keyId}:stateless:[0-9a-f-]{36}$`));
    const messages = await store.messages.list(extension.conversation_id!);
    expect(messages.map((m) => [m.role, m.metadata.origin ?? "turn"])).toEqual([
      ["user", "request"],
      ["assistant", "request"],
      ["user", "turn"],
      ["assistant", "turn"],
    ]);
    // The agent masks personal data: the copied history is masked like a new message.
    expect(messages[0]?.content).not.toContain("ana@example.com");
    // The client wrote the "assistant" messages too: masked as well.
    expect(messages[1]?.content).not.toContain("ana@example.com");
    expect(messages[3]?.id).toBe(extension.message_id);
  });

  it("gives the agent's model the request's history, and the new message last", async () => {
    await client.chat.completions.create({
      model: "agent:shop",
      messages: [
        { role: "user", content: "Me llamo Bea y quiero una tarta de queso." },
        { role: "assistant", content: "¡Apuntado, Bea! ¿Para cuándo?" },
        { role: "user", content: "Para el sábado." },
      ],
    });
    const prompt = JSON.stringify(prompts.at(-1));
    const at = (text: string) => prompt.indexOf(text);
    expect(at("tarta de queso")).toBeGreaterThan(-1);
    expect(at("tarta de queso")).toBeLessThan(at("¿Para cuándo?"));
    expect(at("¿Para cuándo?")).toBeLessThan(at("Para el sábado."));
  });

  it("is never continued by a later request: each one is its own conversation", async () => {
    const ask = () =>
      client.chat.completions.create({ model: AGENT, messages: [{ role: "user", content: question }] });
    const [first, second] = [await ask(), await ask()];
    expect(extensionOf(first.choices[0]).conversation_id).not.toBe(
      extensionOf(second.choices[0]).conversation_id,
    );
  });

  it("streams, with the extension on the finish chunk", async () => {
    const stream = await client.chat.completions.create({
      model: AGENT,
      messages: [{ role: "user", content: question }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toContain(
      "Según nuestros documentos",
    );
    const finish = chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0];
    expect(finish?.finish_reason).toBe("stop");
    const extension = extensionOf(finish);
    expect(extension.stateless).toBe(true);
    expect((await store.conversations.get(tenant.id, extension.conversation_id!))?.status).toBe("closed");
  });

  it(`keeps the newest ${STATELESS_HISTORY_LIMIT} messages of a long history`, async () => {
    const history = Array.from({ length: STATELESS_HISTORY_LIMIT + 10 }, (_, i) => ({
      role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: `mensaje ${i}`,
    }));
    const completion = await client.chat.completions.create({
      model: AGENT,
      messages: [...history, { role: "user", content: question }],
    });
    const messages = await store.messages.list(extensionOf(completion.choices[0]).conversation_id!);
    const copied = messages.filter((m) => m.metadata.origin === "request");
    expect(copied).toHaveLength(STATELESS_HISTORY_LIMIT);
    expect(copied[0]?.content).toBe("mensaje 10");
  });

  it("refuses an x-alambique-user header it cannot keep, rather than go stateless unnoticed", async () => {
    const error = await client.chat.completions
      .create(
        { model: AGENT, messages: [{ role: "user", content: question }] },
        { headers: { "x-alambique-user": "x".repeat(257) } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: "x-alambique-user" });
  });

  it("still keeps a customer's conversation when the request names them", async () => {
    const ask = () =>
      client.chat.completions.create({
        model: AGENT,
        user: "dani",
        messages: [{ role: "user", content: question }],
      });
    const [first, second] = [await ask(), await ask()];
    const id = extensionOf(first.choices[0]).conversation_id;
    expect(extensionOf(second.choices[0])).toMatchObject({ conversation_id: id });
    expect(extensionOf(second.choices[0]).stateless).toBeUndefined();
    expect((await store.conversations.get(tenant.id, id!))?.status).toBe("bot");
  });
});
