/**
 * A real SQLite store in a temporary folder, with a tenant, an agent and a
 * conversation, and a `ToolContext` over it (BM25 retrieval through the
 * store's own index). Tests override what they need.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRetriever } from "../../../knowledge/create-retriever.js";
import { type AgentSpec, type AgentSpecInput, agentSpecSchema } from "../../../spec/agent.js";
import type { JsonValue } from "../../../spec/json.js";
import type { Conversation, Store } from "../../../spec/store.js";
import { openStore } from "../../../store/index.js";
import { nothingConfirmed, type ToolContext } from "../tool-context.js";

export interface ToolTestWorld {
  store: Store;
  tenantId: string;
  agentId: string;
  spec: AgentSpec;
  conversation: Conversation;
  context: ToolContext;
  close(): Promise<void>;
}

export async function createToolTestWorld(
  specInput: Partial<AgentSpecInput> = {},
  overrides: Partial<ToolContext> = {},
): Promise<ToolTestWorld> {
  const dir = await mkdtemp(join(tmpdir(), "alambique-tools-"));
  const store = await openStore(join(dir, "alambique.db"));
  const spec = agentSpecSchema.parse({ name: "rosa", persona: "The bakery's assistant.", ...specInput });
  const tenant = await store.tenants.create({ slug: "panaderia-rosa", name: "Panadería Rosa" });
  const agent = await store.agents.create({
    tenantId: tenant.id,
    name: spec.name,
    spec: JSON.parse(JSON.stringify(spec)) as Record<string, JsonValue>,
  });
  const conversation = await store.conversations.create({
    tenantId: tenant.id,
    agentId: agent.id,
    externalUserId: "customer-1",
  });
  const context: ToolContext = {
    tenantId: tenant.id,
    agentId: agent.id,
    agent: spec,
    conversationId: conversation.id,
    externalUserId: conversation.externalUserId,
    store,
    retriever: createRetriever({ store }),
    now: () => new Date("2026-03-30T08:00:00Z"),
    secrets: () => undefined,
    dryRun: false,
    confirmed: nothingConfirmed,
    ...overrides,
  };
  return {
    store,
    tenantId: tenant.id,
    agentId: agent.id,
    spec,
    conversation,
    context,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
