import { NotFoundError } from "../spec/errors.js";
import type { AgentRecord, Store } from "../spec/store.js";
import { closestName } from "./closest-name.js";

/**
 * The tenant's agent of this name. Throws NotFoundError whose hint names the
 * closest existing agent (`la-espig` → `la-espiga`) when the name looks like a
 * typo of one, else says how to list and create agents.
 */
export async function findAgentForCli(store: Store, tenantId: string, name: string): Promise<AgentRecord> {
  const agent = await store.agents.getByName(tenantId, name);
  if (agent) return agent;
  const names = (await store.agents.list(tenantId)).map((a) => a.name);
  const closest = closestName(name, names);
  const hint = closest
    ? `did you mean ${closest}? (\`alambique agents list\` shows the agents)`
    : names.length > 0
      ? `the agents are: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}; create one with \`alambique agents create --file agent.yaml\``
      : "there are no agents yet: create one with `alambique agents create --file agent.yaml` (an example: data/demo/agent.yaml)";
  throw new NotFoundError("agent", name, hint);
}
