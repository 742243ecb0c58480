/**
 * A real SQLite store with an agent whose knowledge is three short documents
 * (ingested through the real pipeline, BM25 only), for the turn's step tests.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestSources } from "../../../knowledge/ingest-sources.js";
import type { AgentSpecInput } from "../../../spec/agent.js";
import type { LoadedAgent } from "../../loaded-agent.js";
import { createToolTestWorld, type ToolTestWorld } from "../../tools/__fixtures__/tool-test-context.js";

export const turnDocuments = {
  "precios.md": "# Precios\n\nLa tarta de queso cuesta 18 euros. La tarta de chocolate cuesta 22 euros.",
  "recogida.md": "# Recogida\n\nLos pedidos se recogen en la calle Sueca 12, de 9 a 14 horas.",
  "encargos.md": "# Encargos\n\nLas tartas se encargan con dos días de antelación.",
};

export interface TurnWorld extends ToolTestWorld {
  agent: LoadedAgent;
}

export async function createTurnWorld(spec: Partial<AgentSpecInput> = {}): Promise<TurnWorld> {
  const world = await createToolTestWorld({ languages: ["es", "en"], ...spec });
  const record = await world.store.agents.get(world.tenantId, world.agentId);
  if (!record) throw new Error("the test agent is missing");
  const docs = await mkdtemp(join(tmpdir(), "alambique-turn-docs-"));
  for (const [name, text] of Object.entries(turnDocuments)) await writeFile(join(docs, name), text);
  await ingestSources({
    store: world.store,
    tenantId: world.tenantId,
    agentId: world.agentId,
    paths: Object.keys(turnDocuments).map((name) => join(docs, name)),
    baseDir: docs,
  });
  return {
    ...world,
    agent: { ...record, spec: world.spec },
    async close() {
      await world.close();
      await rm(docs, { recursive: true, force: true });
    },
  };
}
