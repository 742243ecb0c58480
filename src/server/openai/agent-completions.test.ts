import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../../agents/agent-runtime.js";
import { loadAgentFile } from "../../agents/load-agent-file.js";
import { ingestSources } from "../../knowledge/ingest-sources.js";
import type { JsonValue } from "../../spec/json.js";
import type { Store, Tenant } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { createServer } from "../create-server.js";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import { instantModel, instantResolver } from "./instant-model.fixture.js";

// The demo bakery's agent in retrieval mode, served as `agent:la-espiga` through /v1 and
// called by the official openai client over a real loopback socket.

const demoAgentFile = fileURLToPath(new URL("../../../data/demo/agent.yaml", import.meta.url));
const AGENT = "agent:la-espiga";
const question = "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?";

let store: Store;
let runtime: AgentRuntime;
let tenant: Tenant;
const models = instantResolver({ instant: instantModel() });

beforeAll(async () => {
  store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-v1-agents-")), "alambique.db"));
  tenant = await defaultTenant(store);
  const loaded = loadAgentFile(demoAgentFile);
  const agent = await store.agents.create({
    tenantId: tenant.id,
    name: loaded.spec.name,
    spec: loaded.spec as unknown as Record<string, JsonValue>,
  });
  await ingestSources({
    store,
    tenantId: tenant.id,
    agentId: agent.id,
    paths: loaded.knowledgePaths,
    baseDir: join(demoAgentFile, ".."),
  });
  runtime = new AgentRuntime({ store, models });
});
afterAll(async () => {
  await runtime.dispose();
  await store.close();
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
}

const extensionOf = (choice: unknown) => (choice as { alambique?: AlambiqueChoiceExtension }).alambique;

describe("agents through /v1 (auth disabled: the default tenant)", () => {
  let app: FastifyInstance;
  let client: OpenAI;
  beforeAll(async () => {
    app = createServer({ auth: "disabled", store, models, agents: runtime });
    client = new OpenAI({ baseURL: await listen(app), apiKey: "none", maxRetries: 0 });
  });
  afterAll(() => app.close());

  it("lists the tenant's agents beside the catalog's models", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["instant", AGENT]);
    expect(await client.models.retrieve(AGENT)).toMatchObject({ id: AGENT, object: "model" });
    await expect(client.models.retrieve("agent:nobody")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("answers a turn from the documents, with citations, and keeps the conversation in the store", async () => {
    const completion = await client.chat.completions.create({
      model: AGENT,
      user: "ana",
      messages: [
        { role: "user", content: "this earlier message is history: the store has it" },
        { role: "assistant", content: "…" },
        { role: "user", content: question },
      ],
    });
    const choice = completion.choices[0]!;
    expect(completion.model).toBe(AGENT);
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.content).toContain("Según nuestros documentos");
    const extension = extensionOf(choice)!;
    expect(extension).toMatchObject({ status: "bot", mode: "retrieval", language: "es" });
    expect(extension.citations?.[0]?.uri).toMatch(/envios-a-domicilio/);
    const conversation = await store.conversations.get(tenant.id, extension.conversation_id!);
    expect(conversation?.externalUserId).toBe("ana");
    const messages = await store.messages.list(extension.conversation_id!);
    expect(messages.map((m) => [m.role, m.content.slice(0, 12)])).toEqual([
      ["user", question.slice(0, 12)],
      ["assistant", choice.message.content!.slice(0, 12)],
    ]);
    expect(messages[1]?.id).toBe(extension.message_id);
  });

  it("streams the same turn as chunks, the last one with the citations, then [DONE]", async () => {
    const stream = await client.chat.completions.create(
      {
        model: AGENT,
        messages: [{ role: "user", content: question }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { "x-alambique-user": "bea" } },
    );
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(text).toContain("Según nuestros documentos");
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe("stop");
    const extension = extensionOf(finish?.choices[0])!;
    expect(extension.citations?.[0]?.uri).toMatch(/envios-a-domicilio/);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    const stored = await store.messages.list(extension.conversation_id!);
    expect(stored.at(-1)?.content).toBe(text);
    expect((await store.conversations.get(tenant.id, extension.conversation_id!))?.externalUserId).toBe(
      "bea",
    );

    // The same customer's next turn continues the same conversation.
    const next = await client.chat.completions.create(
      { model: AGENT, messages: [{ role: "user", content: "¿y a Russafa?" }] },
      { headers: { "x-alambique-user": "bea" } },
    );
    expect(extensionOf(next.choices[0])?.conversation_id).toBe(extension.conversation_id);
  });

  it("hands off to a person on request, and says so in the status", async () => {
    const completion = await client.chat.completions.create({
      model: AGENT,
      user: "carla",
      messages: [{ role: "user", content: "quiero hablar con una persona, por favor" }],
    });
    expect(extensionOf(completion.choices[0])).toMatchObject({ mode: "handoff", status: "waiting_human" });
  });

  it.each([
    ["client tools", { user: "u", tools: [{ type: "function", function: { name: "t" } }] }, "tools"],
    ["a JSON response format", { user: "u", response_format: { type: "json_object" } }, "response_format"],
    ["no user message", { user: "u", messages: [{ role: "system", content: "hi" }] }, "messages"],
    ["an empty message", { user: "u", messages: [{ role: "user", content: "  " }] }, "messages[0].content"],
  ])("refuses %s with a 400 naming the param", async (_what, extra, param) => {
    const error = await client.chat.completions
      .create({ model: AGENT, messages: [{ role: "user", content: question }], ...(extra as object) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param });
  });

  it("answers 404 model_not_found for an agent the tenant does not have, streaming or not", async () => {
    for (const stream of [false, true]) {
      const error = await client.chat.completions
        .create({ model: "agent:nobody", user: "u", messages: [{ role: "user", content: "hola" }], stream })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ code: "model_not_found", param: "model" });
    }
  });
});

describe("agents through /v1 with API keys", () => {
  let app: FastifyInstance;
  let baseURL: string;
  let own: { secret: string; keyId: string };
  let stranger: string;
  beforeAll(async () => {
    // Admin keys: a back end naming its own customers (`user`). Widgets' visitors: visitor-routes.test.ts.
    const key = await store.apiKeys.create({ tenantId: tenant.id, name: "back end", scopes: ["admin"] });
    own = { secret: key.secret, keyId: key.key.id };
    const other = await store.tenants.create({ slug: "elsewhere", name: "Elsewhere" });
    stranger = (await store.apiKeys.create({ tenantId: other.id, name: "b", scopes: ["admin"] })).secret;
    app = createServer({ store, models, agents: runtime });
    baseURL = await listen(app);
  });
  afterAll(() => app.close());

  it("serves the key's tenant, storing the conversation under the key", async () => {
    const client = new OpenAI({ baseURL, apiKey: own.secret, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: AGENT,
      user: "dani",
      messages: [{ role: "user", content: question }],
    });
    const id = extensionOf(completion.choices[0])!.conversation_id!;
    expect((await store.conversations.get(tenant.id, id))?.externalUserId).toBe(`key:${own.keyId}:dani`);
  });

  it("does not show or serve one tenant's agent to another", async () => {
    const client = new OpenAI({ baseURL, apiKey: stranger, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["instant"]);
    const error = await client.chat.completions
      .create({ model: AGENT, user: "eve", messages: [{ role: "user", content: question }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("agents through /v1: the agent read once a request", () => {
  it("reads the agent once a turn, and the next request sees an edit made between turns", async () => {
    // The real store, its agent reads counted: the route's lookup is the only one (the turn gets that record).
    const reads: string[] = [];
    const agents: Store["agents"] = {
      ...store.agents,
      get: (tenantId, id) => {
        reads.push("get");
        return store.agents.get(tenantId, id);
      },
      getByName: (tenantId, name) => {
        reads.push("getByName");
        return store.agents.getByName(tenantId, name);
      },
    };
    const counted = new Proxy(store, {
      get: (target, key) => {
        if (key === "agents") return agents;
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const spec = loadAgentFile(demoAgentFile).spec as unknown as Record<string, JsonValue>;
    const agent = await store.agents.create({ tenantId: tenant.id, name: "mostrador", spec });
    const countedRuntime = new AgentRuntime({ store: counted, models });
    const app = createServer({ auth: "disabled", store: counted, models, agents: countedRuntime });
    try {
      const client = new OpenAI({ baseURL: await listen(app), apiKey: "none", maxRetries: 0 });
      const ask = async (user: string) =>
        extensionOf(
          (
            await client.chat.completions.create({
              model: "agent:mostrador",
              user,
              messages: [{ role: "user", content: "¿Hacéis envíos a Benimaclet?" }],
            })
          ).choices[0],
        )!;
      expect((await ask("before")).mode).not.toBe("handoff");
      expect(reads).toEqual(["getByName"]);
      await store.agents.update(tenant.id, agent.id, {
        ...spec,
        handoff: { topics: ["envíos"] },
      });
      reads.length = 0;
      expect(await ask("after")).toMatchObject({ mode: "handoff", status: "waiting_human" });
      expect(reads).toEqual(["getByName"]);
    } finally {
      await app.close();
      await countedRuntime.dispose();
    }
  });
});
