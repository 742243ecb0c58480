import type { AgentSpec } from "../spec/agent.js";
import { StoreError, ValidationError } from "../spec/errors.js";
import type { JsonValue } from "../spec/json.js";
import type { AgentRecord, Store } from "../spec/store.js";
import { type AgentReferenceContext, checkAgentReferences } from "./check-agent-references.js";

/**
 * The one way an agent spec is stored (`alambique agents create`, `PUT
 * /api/agents/:name`): checks what it refers to (see `checkAgentReferences`),
 * then updates the tenant's agent of that name or creates it. Two concurrent
 * creations end in one agent, updated by the later.
 *
 * Throws ValidationError listing every model missing from the catalog and
 * every missing knowledge path (its `issues` carry each path), before
 * anything is written. `precondition` is given the stored agent of that name
 * (undefined when none) each time it is read, first before the references are
 * checked, and throws to refuse the save (an HTTP `If-Match`): the agent is
 * read once for both.
 */
export async function saveAgent(
  store: Store,
  tenantId: string,
  spec: AgentSpec,
  references: AgentReferenceContext,
  /** Kept with the version this save records (an API key's id); omitted when unknown. */
  savedBy?: string,
  precondition?: (current: AgentRecord | undefined) => void,
): Promise<{ agent: AgentRecord; created: boolean }> {
  const read = async () => {
    const current = await store.agents.getByName(tenantId, spec.name);
    precondition?.(current);
    return current;
  };
  let existing = await read();
  const issues = await checkAgentReferences(spec, references);
  if (issues.length > 0) {
    const lines = issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ValidationError(
      issues.length === 1
        ? `the agent ${spec.name} refers to what does not exist: ${lines[0]}`
        : `the agent ${spec.name} refers to ${issues.length} things that do not exist:\n  ${lines.join("\n  ")}`,
      issues,
    );
  }
  const json = spec as unknown as Record<string, JsonValue>;
  for (let attempt = 0; ; attempt++) {
    if (existing)
      return { agent: await store.agents.update(tenantId, existing.id, json, savedBy), created: false };
    try {
      return {
        agent: await store.agents.create({ tenantId, name: spec.name, spec: json, savedBy }),
        created: true,
      };
    } catch (error) {
      if (!(StoreError.isInstance(error) && error.kind === "unique") || attempt > 0) throw error;
      existing = await read(); // created meanwhile by another save
    }
  }
}
