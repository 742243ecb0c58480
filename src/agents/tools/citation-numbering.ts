/**
 * Citation ids for one turn: the first passage cited is `S1`, the next new one
 * `S2`, and a passage cited again keeps its id. The runtime shares one
 * numbering between the passages it retrieves for the prompt and the
 * `search_knowledge` tool (`ToolContext.cite`), so `[S2]` in an answer always
 * means one passage; `cited()` lists them for the message's metadata.
 */
import { sourceDisplayName } from "../../safety/source-display-name.js";
import type { ChunkHit } from "../../spec/knowledge.js";

export interface CitedPassage {
  id: string;
  chunkId: string;
  /** The source's `uri` as stored (for the operator). */
  sourceUri: string;
  /** The source as a customer may see it: its file name (`sourceDisplayName`), never a path. */
  source: string;
  location: string;
}

export interface CitationNumbering {
  cite(hit: ChunkHit): string;
  /** Every passage cited so far, in id order. */
  cited(): CitedPassage[];
}

export function createCitationNumbering(): CitationNumbering {
  const byChunk = new Map<string, CitedPassage>();
  return {
    cite(hit) {
      const known = byChunk.get(hit.chunk.id);
      if (known !== undefined) return known.id;
      const id = `S${byChunk.size + 1}`;
      byChunk.set(hit.chunk.id, {
        id,
        chunkId: hit.chunk.id,
        sourceUri: hit.source.uri,
        source: sourceDisplayName(hit.source.uri),
        location: hit.chunk.location,
      });
      return id;
    },
    cited: () => [...byChunk.values()],
  };
}
