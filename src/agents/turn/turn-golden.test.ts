import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../server/create-server.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Message, Store } from "../../spec/store.js";
import { openStore } from "../../store/index.js";
import { AgentRuntime } from "../agent-runtime.js";
import { seedDemoAgent } from "../demo-agent.fixture.js";
import { type ScriptStep, scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import type { TurnResult } from "./turn-types.js";

/**
 * The agent's turn, recorded: a set of conversations played through the
 * runtime (retrieval mode on the demo bakery; a scripted model with tools,
 * confirmation and handoff) and through `/v1`, and everything they produce
 * (results, what is stored, what the model was shown) compared with
 * `__golden__/turns.json`. Written before the turn was split into steps, so
 * that the split is shown to change nothing. Ids, times and latencies are
 * left out; everything else is compared as it is.
 */
const NOW = new Date("2026-12-02T10:30:00Z"); // a Wednesday, the bakery open
let dir: string;
let store: Store;
let runtime: AgentRuntime;
let app: FastifyInstance;
let tenantId: string;
let admin: string;
const scripts: ScriptStep[][] = [];
const prompts: LanguageModelV3CallOptions["prompt"][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-golden-"));
  store = await openStore(join(dir, "alambique.db"));
  tenantId = (await store.tenants.create({ slug: "golden", name: "Golden" })).id;
  admin = (await store.apiKeys.create({ tenantId, name: "admin", scopes: ["admin"] })).secret;
  await seedDemoAgent(store, tenantId);
  await store.agents.create({
    tenantId,
    name: "shop",
    spec: agentSpecSchema.parse({
      name: "shop",
      persona: "Takes cake orders for the bakery.",
      languages: ["es", "en"],
      model: "scripted",
      tools: [
        { type: "builtin", name: "handoff_to_human" },
        {
          type: "webhook",
          name: "place_order",
          description: "Places a pickup order.",
          url: "http://127.0.0.1:9/orders",
          inputSchema: {
            type: "object",
            properties: { item: { type: "string" } },
            required: ["item"],
          },
          requiresConfirmation: true,
        },
      ],
    }) as unknown as Record<string, JsonValue>,
  });
  const models: ModelResolver = {
    list: async () => [],
    languageModel: async () => {
      const model = scriptedModel(scripts.shift() ?? [{ text: "¿Algo más?" }]);
      return {
        ...model,
        doGenerate: async (options) => {
          prompts.push(options.prompt);
          return model.doGenerate(options);
        },
        doStream: async (options) => {
          prompts.push(options.prompt);
          return model.doStream(options);
        },
      };
    },
    embeddingModel: async () => {
      throw new Error("no embeddings here");
    },
  };
  runtime = new AgentRuntime({ store, models, now: () => NOW });
  app = createServer({ store, models, agents: runtime });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await runtime.dispose();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A turn as recorded: the result and the messages it stored, without ids, times and latencies. */
function recordTurn(turn: TurnResult, stored: Message[]) {
  const { conversationId: _c, latencyMs: _l, messageId, ...result } = turn;
  return {
    result: { ...result, messageId: messageId === null ? null : "stored" },
    stored: stored.map(({ role, content, metadata }) => ({ role, content, metadata: stable(metadata) })),
  };
}

function stable(metadata: Record<string, JsonValue>): Record<string, JsonValue> {
  const { latencyMs: _l, retrievedChunkIds, ...rest } = metadata;
  return {
    ...rest,
    ...(Array.isArray(retrievedChunkIds) ? { retrievedChunks: retrievedChunkIds.length } : {}),
  };
}

/** Keys in order: what is compared is the content, not the order a result's fields were written in. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

async function play(agent: string, customer: string, messages: string[]) {
  const turns = [];
  let seen = 0;
  for (const message of messages) {
    const turn = await runtime.turn({ tenantId, agent, externalUserId: customer, message });
    const all = await store.messages.list(turn.conversationId);
    turns.push({ message, ...recordTurn(turn, all.slice(seen)) });
    seen = all.length;
  }
  return turns;
}

describe("the agent's turn, recorded", () => {
  it("plays the same conversations as before", async () => {
    const golden: Record<string, unknown> = {};
    golden.retrieval = {
      es: await play("la-espiga", "golden-es", [
        "¡Hola!",
        "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?",
        "¿A qué hora abrís el domingo?",
        "¿Qué opinas de la política monetaria europea?",
        "gracias",
      ]),
      en: await play("la-espiga", "golden-en", [
        "do you deliver to benimaclet, how much?",
        "are you vegan friendly",
      ]),
      handoff: await play("la-espiga", "golden-handoff", ["quiero hablar con una persona", "¿hola?"]),
      pii: await play("la-espiga", "golden-pii", ["mi email es ana@example.com, ¿tenéis pan sin gluten?"]),
      tooLong: await play("la-espiga", "golden-long", [`¿${"pan ".repeat(2100)}?`]),
    };
    scripts.push(
      [
        { toolCalls: [{ toolName: "place_order", input: { item: "tarta de queso" } }] },
        { text: "Te lo confirmo." },
      ],
      [{ text: "Hecho: pedido hecho." }],
      [
        { toolCalls: [{ toolName: "handoff_to_human", input: { reason: "pide un descuento" } }] },
        { text: "Te paso." },
      ],
    );
    prompts.length = 0;
    golden.model = {
      order: await play("shop", "golden-order", ["quiero una tarta de queso para el sábado", "sí"]),
      handoff: await play("shop", "golden-model-handoff", ["¿me hacéis descuento?", "¿sigues ahí?"]),
    };
    golden.prompts = prompts.map((prompt) =>
      prompt.map((message) => ({
        role: message.role,
        content:
          typeof message.content === "string"
            ? message.content
            : message.content.map((part) => ("text" in part ? part.text : part.type)),
      })),
    );
    const v1 = async (stream: boolean) => {
      const res = await app.inject({
        method: "POST",
        url: "/v1/chat/completions",
        headers: { authorization: `Bearer ${admin}` },
        payload: {
          model: "agent:la-espiga",
          user: `golden-v1-${stream}`,
          stream,
          messages: [{ role: "user", content: "¿tenéis pan sin gluten?" }],
        },
      });
      const body = res.body.replace(/"(id|conversation_id|message_id|chunk_id)":"[^"]*"/g, '"$1":"…"');
      return { status: res.statusCode, body: body.replace(/"created":\d+/g, '"created":0') };
    };
    golden.v1 = { plain: await v1(false), stream: await v1(true) };
    // Store ids (chunks, conversations, messages) differ from run to run.
    const text = JSON.stringify(sortKeys(golden), null, 2).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "<id>",
    );
    await expect(`${text}\n`).toMatchFileSnapshot("./__golden__/turns.json");
  }, 60_000);
});
