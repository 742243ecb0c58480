import { NotFoundError } from "../../spec/errors.js";
import type { AgentRecord, Store } from "../../spec/store.js";

/** The tenant's agent of this name. Throws NotFoundError (404): another tenant's agent is just as absent. */
export async function findAgent(store: Store, tenantId: string, name: string): Promise<AgentRecord> {
  const agent = await store.agents.getByName(tenantId, name);
  if (!agent) throw new NotFoundError("agent", name, "GET /api/agents lists this tenant's agents");
  return agent;
}
