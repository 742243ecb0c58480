import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptedModel } from "../../agents/tools/__fixtures__/scripted-model.js";
import type { NetworkPolicy } from "../../agents/tools/public-network.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { loadSynthContext } from "../pipeline/load-synth-context.js";
import { defaultStepOptions } from "./step-options.js";
import { TeacherAgent } from "./teacher-agent.js";

/**
 * While the teacher plays a tenant's agent for synthetic data, the agent's read-only webhooks really run (a
 * worker makes the call): they must obey the rule serving obeys, or a tenant's loop reaches the worker's
 * loopback, LAN and cloud metadata (an SSRF found in review). A real HTTP server on 127.0.0.1 counts the calls.
 */
let dir: string;
let store: Store;
let server: Server;
let hits = 0;
let url: string;
let agents = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-teacher-network-"));
  store = await openStore(join(dir, "alambique.db"));
  server = createServer((_req, res) => {
    hits++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ internal: "metadata-secret" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
});
afterAll(async () => {
  server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function agentOf(tenantId: string) {
  const spec = agentSpecSchema.parse({
    name: `tartas-${++agents}`,
    persona: "Atiende los pedidos de una pastelería.",
    languages: ["es"],
    model: "scripted",
    tools: [
      {
        type: "webhook",
        name: "order_status",
        description: "Looks up an order.",
        method: "GET",
        url,
        inputSchema: { type: "object", properties: { order: { type: "string" } }, required: ["order"] },
      },
    ],
  });
  const record = await store.agents.create({
    tenantId,
    name: spec.name,
    spec: spec as unknown as Record<string, JsonValue>,
  });
  return { ...record, spec };
}

async function playOrderStatus(tenantId: string, network: NetworkPolicy | undefined): Promise<string> {
  const teacher = scriptedModel([
    { toolCalls: [{ toolName: "order_status", input: { order: "A1" } }] },
    { text: JSON.stringify({ reply: "Listo.", cited: [] }) },
  ]);
  const agent = new TeacherAgent(
    {
      store,
      tenantId,
      agent: await agentOf(tenantId),
      teacher,
      teacherName: "scripted",
      retriever: createRetriever({ store }),
      seed: 1,
      languages: ["es"],
      signal: new AbortController().signal,
      addUsage: () => {},
      ...(network ? { network } : {}),
    },
    { language: "es", now: new Date(), tools: true, customerId: "c", options: defaultStepOptions },
  );
  try {
    await agent.answer("¿está listo mi pedido A1?", 1);
    return JSON.stringify(teacher.prompts.at(-1));
  } finally {
    await agent.close();
  }
}

describe("the teacher playing an agent", () => {
  it("keeps a tenant's webhooks to public addresses, and lets the operator's reach loopback", async () => {
    const tenant = await store.tenants.create({ slug: "acme", name: "Acme" });
    const before = hits;
    const shown = await playOrderStatus(tenant.id, undefined);
    expect(hits, "a tenant's GET webhook to 127.0.0.1 must not be sent").toBe(before);
    expect(shown).not.toContain("metadata-secret");

    const operator = await defaultTenant(store);
    const operatorShown = await playOrderStatus(operator.id, "any");
    expect(hits).toBe(before + 1);
    expect(operatorShown).toContain("metadata-secret");
  }, 60_000);

  it("gets its rule from the tenant when a job's context is loaded", async () => {
    const tenant = await store.tenants.create({ slug: "beta", name: "Beta" });
    const operator = await defaultTenant(store);
    const models = {
      find: async () => ({ name: "scripted" }),
      languageModel: async () => scriptedModel([]),
      embeddingModel: async () => {
        throw new Error("no embedder");
      },
    } as unknown as Parameters<typeof loadSynthContext>[1];
    const payloadFor = async (tenantId: string) => {
      const agent = await agentOf(tenantId);
      return {
        agent: { id: agent.id, name: agent.name },
        teacher: "scripted",
        judge: null,
        seed: 1,
        languages: ["es"],
      };
    };
    const load = async (tenantId: string) =>
      (
        await loadSynthContext(
          store,
          models,
          tenantId,
          (await payloadFor(tenantId)) as unknown as Parameters<typeof loadSynthContext>[3],
        )
      ).shared.network;
    expect(await load(tenant.id)).toBe("public");
    expect(await load(operator.id)).toBe("any");
  }, 60_000);
});
