import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from "../models/openai-compatible/local-http-server.fixture.js";
import { agentSpecSchema } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { ModelResolver } from "../spec/models.js";
import type { Store } from "../spec/store.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/index.js";
import { AgentRuntime } from "./agent-runtime.js";
import { type ScriptStep, scriptedModel } from "./tools/__fixtures__/scripted-model.js";

/**
 * A tool with side effects that needs the customer's yes, through the whole
 * runtime: the proposal is shown in the runtime's own words, a "yes" runs
 * exactly that call once (even when the model calls it again), and the audit
 * trail has it. The model is scripted (its choices), the rest is real: store,
 * tools, the webhook over HTTP.
 */
let store: Store;
let runtime: AgentRuntime;
let tenantId: string;
let shop: LocalHttpServer;
const received: string[] = [];
const scripts: ScriptStep[][] = [];
const order = { item: "tarta de queso", quantity: 1 };
const callOrder: ScriptStep = { toolCalls: [{ toolName: "place_order", input: order }] };

beforeAll(async () => {
  shop = await startLocalHttpServer((_req, res, _index, body) => {
    received.push(body);
    res.writeHead(200, { "content-type": "application/json" }).end('{"orderId":"A-17"}');
  });
  store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-confirm-")), "alambique.db"));
  tenantId = (await defaultTenant(store)).id;
  const models: ModelResolver = {
    list: async () => [],
    languageModel: async () => scriptedModel(scripts.shift() ?? [{ text: "¿Algo más?" }]),
    embeddingModel: async () => {
      throw new Error("no embeddings here");
    },
  };
  runtime = new AgentRuntime({ store, models });
  const spec = agentSpecSchema.parse({
    name: "shop",
    persona: "Takes orders.",
    languages: ["es", "en"],
    model: "scripted",
    tools: [
      {
        type: "webhook",
        name: "place_order",
        description: "Places a pickup order. Charges the customer's card.",
        url: `${shop.url}/orders`,
        inputSchema: {
          type: "object",
          properties: { item: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
          required: ["item", "quantity"],
        },
        requiresConfirmation: true,
      },
    ],
  });
  await store.agents.create({ tenantId, name: "shop", spec: spec as unknown as Record<string, JsonValue> });
});
afterAll(async () => {
  await runtime.dispose();
  await store.close();
  await shop.close();
});

const say = (message: string) => runtime.turn({ tenantId, agent: "shop", externalUserId: "c1", message });

describe("confirmation through the runtime", () => {
  it("shows the proposal itself, runs it once on yes, records it, and not again on 'ok'", async () => {
    scripts.push([callOrder, { text: "Perfecto." }]); // a model that does not even ask
    const asked = await say("Quiero una tarta de queso");
    expect(received).toHaveLength(0);
    expect(asked.text).toContain("Para confirmar, esto es lo que haré si respondes «sí»:");
    expect(asked.text).toContain('item = "tarta de queso"');

    scripts.push([callOrder, { text: "Hecho, pedido A-17." }]); // the model calls it again after the yes
    const done = await say("sí, adelante");
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toEqual(order);
    expect(done.text).toBe("Hecho, pedido A-17.");
    const stored = (await store.messages.list(done.conversationId)).at(-1)!;
    expect(JSON.stringify(stored.metadata.toolCalls)).toContain("A-17");
    expect(stored.metadata.pendingConfirmations).toBeUndefined();

    await say("ok, gracias");
    expect(received).toHaveLength(1);
  });
});
