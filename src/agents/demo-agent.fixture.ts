import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ingestSources } from "../knowledge/ingest-sources.js";
import type { AgentSpec } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { AgentRecord, Store } from "../spec/store.js";
import { loadAgentFile } from "./load-agent-file.js";

/** The demo bakery's agent file (data/demo/agent.yaml), shared by tests and benchmarks. */
export const demoAgentFile = fileURLToPath(new URL("../../data/demo/agent.yaml", import.meta.url));

/**
 * Stores the demo agent in a tenant (with `change` applied to its spec: another
 * name, a model, tool URLs) and ingests its knowledge. Returns the record and
 * the spec as stored.
 */
export async function seedDemoAgent(
  store: Store,
  tenantId: string,
  change: (spec: AgentSpec) => AgentSpec = (spec) => spec,
): Promise<{ agent: AgentRecord; spec: AgentSpec }> {
  const loaded = loadAgentFile(demoAgentFile);
  const spec = change(loaded.spec);
  const agent = await store.agents.create({
    tenantId,
    name: spec.name,
    spec: spec as unknown as Record<string, JsonValue>,
  });
  await ingestSources({
    store,
    tenantId,
    agentId: agent.id,
    paths: loaded.knowledgePaths,
    baseDir: dirname(demoAgentFile),
  });
  return { agent, spec };
}
