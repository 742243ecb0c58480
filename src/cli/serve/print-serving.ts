import type { AgentSpec } from "../../spec/agent.js";
import type { ModelRecord, Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { Output } from "../cli-context.js";

/**
 * What `serve` tells a person once it listens: the operator's agents (and
 * how to call one), the catalog's models, the widget script for agents on the
 * web, and the API's description. Only addresses this server answers.
 */
export async function printServing(
  io: Output,
  url: string,
  store: Store,
  models: ModelRecord[],
): Promise<void> {
  const agents = await store.agents.list((await defaultTenant(store)).id);
  io.err(`Alambique is serving ${url}/v1 (OpenAI-compatible) and ${url}/api (REST)`);
  if (agents.length === 0) {
    io.err(
      "  agents: none yet: alambique agents create --file agent.yaml (an example: data/demo/agent.yaml)",
    );
  } else {
    io.err(`  agents (as models "agent:NAME" in ${url}/v1):`);
    for (const agent of agents) {
      const spec = agent.spec as Partial<AgentSpec>;
      const mode = spec.model ? `model ${spec.model}` : "retrieval mode";
      io.err(`    agent:${agent.name}  (${mode}${spec.widget?.enabled ? ", on the web widget" : ""})`);
    }
  }
  if (models.length === 0) io.err("  models: none in the catalog: alambique models add NAME --gguf FILE");
  else {
    io.err("  models:");
    for (const model of models) io.err(`    ${model.name}  (${model.source})`);
  }
  const web = agents.find((a) => (a.spec as Partial<AgentSpec>).widget?.enabled);
  if (web) {
    io.err("  web widget, for the site's pages:");
    io.err(`    <script src="${url}/widget.js" data-agent="${web.name}" data-key="CHAT_KEY" async></script>`);
    io.err(
      `    CHAT_KEY: alambique keys create --name "web widget"; the site's origin goes in server.corsOrigins`,
    );
  } else {
    io.err(`  web widget: ${url}/widget.js, for agents whose spec says widget: { enabled: true }`);
  }
  io.err(`  the owner's console: ${url}/console/ (sign in with an admin key)`);
  io.err(`  API description: ${url}/api/openapi.json`);
}
