/**
 * The demo agent `la-espiga` (retrieval mode, no model) in a fresh SQLite
 * store of its own, with the runtime and retriever a server would build,
 * loaded from the tree at `root`: this checkout's, or another's for an A/B
 * (bench/agent-turns-ab.ts imports each side's own modules). `close` disposes
 * of them all and removes the store's folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AgentRuntime } from "../../src/agents/agent-runtime.js";
import type { Retriever } from "../../src/spec/knowledge.js";
import type { AgentRecord, Store, Tenant } from "../../src/spec/store.js";

export interface DemoWorld {
  store: Store;
  tenant: Tenant;
  agent: AgentRecord;
  runtime: AgentRuntime;
  retriever: Retriever;
  close(): Promise<void>;
}

/** This checkout's root. */
export const thisTree = resolve(import.meta.dirname, "../..");

export async function demoWorld(root: string = thisTree, name = "demo"): Promise<DemoWorld> {
  const load = (path: string) => import(join(root, path));
  const { openStore } = await load("src/store/open-store.ts");
  const { seedDemoAgent } = await load("src/agents/demo-agent.fixture.ts");
  const { AgentRuntime } = await load("src/agents/agent-runtime.ts");
  const { ModelRegistry } = await load("src/models/model-registry.ts");
  const { createRetriever } = await load("src/knowledge/create-retriever.ts");
  const dir = mkdtempSync(join(tmpdir(), `alq-bench-${name}-`));
  const store: Store = await openStore(join(dir, "alambique.db"));
  const tenant: Tenant = await store.tenants.create({ slug: "la-espiga", name: "Panadería La Espiga" });
  const { agent } = await seedDemoAgent(store, tenant.id);
  const registry = new ModelRegistry({ store, llamacpp: { threads: 1 } });
  const runtime: AgentRuntime = new AgentRuntime({ store, models: registry });
  const retriever: Retriever = createRetriever({ store });
  return {
    store,
    tenant,
    agent,
    runtime,
    retriever,
    close: async () => {
      await runtime.dispose();
      await registry.dispose();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
