/**
 * Every chunk of an agent's knowledge, in a stable order (source uri, then
 * position in the source), so that a plan depends on the documents and not
 * on the ids the store happened to give them.
 *
 * At most `limit` chunks, read a page of 10,000 at a time.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { Chunk } from "../../spec/knowledge.js";
import type { Store } from "../../spec/store.js";

export async function listAgentChunks(
  store: Store,
  tenantId: string,
  agentId: string,
  limit = 50_000,
): Promise<(Chunk & { sourceUri: string })[]> {
  const sources = await store.knowledge.listSources(tenantId, agentId);
  const uriOf = new Map(sources.map((source) => [source.id, source.uri]));
  const chunks = await readAllChunks(store, tenantId, agentId, limit);
  return chunks
    .filter((chunk) => chunk.text.trim().length > 0 && uriOf.has(chunk.sourceId))
    .map((chunk) => ({ ...chunk, sourceUri: uriOf.get(chunk.sourceId)! }))
    .sort((a, b) =>
      a.sourceUri === b.sourceUri ? a.ordinal - b.ordinal : a.sourceUri < b.sourceUri ? -1 : 1,
    );
}

/** Pages through the agent's chunks; a source re-ingested meanwhile (the cursor's chunk is gone) starts it over. */
async function readAllChunks(
  store: Store,
  tenantId: string,
  agentId: string,
  limit: number,
): Promise<Chunk[]> {
  for (let attempt = 1; ; attempt++) {
    const chunks: Chunk[] = [];
    try {
      while (chunks.length < limit) {
        const size = Math.min(10_000, limit - chunks.length);
        const page = await store.knowledge.listChunks(tenantId, agentId, {
          limit: size,
          ...(chunks.length > 0 ? { after: chunks.at(-1)!.id } : {}),
        });
        chunks.push(...page);
        if (page.length < size) break;
      }
      return chunks;
    } catch (error) {
      if (!NotFoundError.isInstance(error) || attempt === 3) throw error;
    }
  }
}
