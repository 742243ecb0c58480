/**
 * Every chunk of an agent's knowledge, in a stable order (source uri, then
 * position in the source), so that a plan depends on the documents and not
 * on the ids the store happened to give them.
 *
 * The store has no "list chunks" call; `chunksWithoutVectors` with a model
 * name no agent uses returns every chunk (an agent with vectors from another
 * model has all its chunks "pending" for this one). At most `limit` chunks
 * (the store's cap is 10,000): larger knowledge bases are sampled from their
 * first 10,000 chunks.
 */
import type { Chunk } from "../../spec/knowledge.js";
import type { Store } from "../../spec/store.js";

const NO_MODEL = "\u0000alambique:list-every-chunk";

export async function listAgentChunks(
  store: Store,
  tenantId: string,
  agentId: string,
  limit = 10_000,
): Promise<(Chunk & { sourceUri: string })[]> {
  const sources = await store.knowledge.listSources(tenantId, agentId);
  const uriOf = new Map(sources.map((source) => [source.id, source.uri]));
  const chunks = await store.knowledge.chunksWithoutVectors(tenantId, agentId, NO_MODEL, limit);
  return chunks
    .filter((chunk) => chunk.text.trim().length > 0 && uriOf.has(chunk.sourceId))
    .map((chunk) => ({ ...chunk, sourceUri: uriOf.get(chunk.sourceId)! }))
    .sort((a, b) =>
      a.sourceUri === b.sourceUri ? a.ordinal - b.ordinal : a.sourceUri < b.sourceUri ? -1 : 1,
    );
}
