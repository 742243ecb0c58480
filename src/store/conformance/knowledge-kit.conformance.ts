/**
 * Seeds for the knowledge cases: an agent, chunk inputs from plain strings,
 * and a source put through the `Store` interface.
 */
import type { ChunkInput, KnowledgeSource } from "../../spec/knowledge.js";
import type { AgentRecord, Store, StoreRepositories, Tenant } from "../../spec/store.js";
import { seedTenant } from "./store-test-kit.conformance.js";

export interface SeededAgent {
  tenant: Tenant;
  agent: AgentRecord;
}

/** A new agent, in `tenant` when given, else in a new tenant. */
export async function seedAgent(store: Store, tenant?: Tenant, name = "mostrador"): Promise<SeededAgent> {
  const owner = tenant ?? (await seedTenant(store));
  const agent = await store.agents.create({ tenantId: owner.id, name, spec: {} });
  return { tenant: owner, agent };
}

/** Chunks 0, 1, 2… with these texts; a `Title: text` string gets a title. */
export function chunkInputs(texts: readonly string[]): ChunkInput[] {
  return texts.map((entry, ordinal) => {
    const colon = entry.indexOf(": ");
    const titled = colon > 0 && colon < 40;
    return {
      ordinal,
      text: titled ? entry.slice(colon + 2) : entry,
      title: titled ? entry.slice(0, colon) : null,
      location: `faq[${ordinal}]`,
      metadata: { ordinal, answer: titled ? entry.slice(colon + 2) : null },
    };
  });
}

export function putTexts(
  repositories: Pick<StoreRepositories, "knowledge">,
  { tenant, agent }: SeededAgent,
  uri: string,
  texts: readonly string[],
): Promise<KnowledgeSource> {
  return repositories.knowledge.putSource({
    tenantId: tenant.id,
    agentId: agent.id,
    uri,
    kind: "markdown",
    contentHash: `sha256-of-${uri}-${texts.length}`,
    bytes: texts.join("\n").length,
    chunks: chunkInputs(texts),
  });
}

/** The texts of the hits, best first. */
export function hitTexts(hits: { chunk: { text: string } }[]): string[] {
  return hits.map((hit) => hit.chunk.text);
}

export const vector = (...values: number[]): Float32Array => new Float32Array(values);
