// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { Chunk, ChunkHit, ChunkInput, KnowledgeSource, SourceKind } from "../knowledge.js";

/**
 * The knowledge index of each agent. Chunks belong to a source; a source to
 * an agent (removing either removes its chunks and their vectors).
 */
export interface KnowledgeRepository {
  /**
   * Creates the source, or replaces an existing one with the same (agentId, uri):
   * its old chunks and vectors go, the new ones come, in one transaction.
   */
  putSource(input: {
    tenantId: string;
    agentId: string;
    uri: string;
    kind: SourceKind;
    contentHash: string;
    bytes: number;
    chunks: ChunkInput[];
  }): Promise<KnowledgeSource>;
  /**
   * Adds chunks after a source's (its `chunkCount` grows by their number);
   * their ordinals must not repeat one it has (StoreError unique); with
   * `contentHash`, the source's hash becomes it. For writing a large source
   * in batches: a `putSource` with the first batch, then this for the
   * others (inside `store.transaction`, or in several with a provisional
   * hash that the last batch replaces), so that no single call holds the
   * event loop. NotFoundError when the source is not the agent's.
   */
  appendChunks(input: {
    tenantId: string;
    agentId: string;
    sourceId: string;
    chunks: ChunkInput[];
    contentHash?: string;
  }): Promise<KnowledgeSource>;
  getSource(tenantId: string, agentId: string, uri: string): Promise<KnowledgeSource | undefined>;
  listSources(tenantId: string, agentId: string): Promise<KnowledgeSource[]>;
  removeSource(tenantId: string, id: string): Promise<void>;
  /** Chunks by id, in the order asked; unknown ids are left out. */
  getChunks(tenantId: string, ids: string[]): Promise<Chunk[]>;
  /**
   * An agent's chunks in ingest order (a source's chunks together, in their
   * order), a page at a time: at most `limit` (1–10,000) after the chunk with
   * id `after` (none: from the first; an id not among the agent's chunks:
   * NotFoundError, since the page would be a guess).
   */
  listChunks(tenantId: string, agentId: string, options: { limit: number; after?: string }): Promise<Chunk[]>;
  /** Chunks of an agent that have no vector for `model` yet (for embedding after ingest). */
  chunksWithoutVectors(tenantId: string, agentId: string, model: string, limit: number): Promise<Chunk[]>;
  /**
   * Stores vectors for chunks, from one embedding model. All vectors of an
   * agent share one model and dimension: a different one throws
   * ValidationError naming both (re-embed everything to change models: once
   * the agent has no vectors left, the next call may start another model).
   * NotFoundError when a chunk is not the agent's (it was removed or
   * re-ingested since it was listed); ValidationError for a vector that is
   * not a Float32Array of finite numbers, or is all zeros.
   */
  putVectors(
    tenantId: string,
    agentId: string,
    model: string,
    items: { chunkId: string; vector: Float32Array }[],
  ): Promise<void>;
  /**
   * BM25 over title and text, case- and diacritics-insensitive (`panaderia`
   * finds `panadería`). `query` is what a customer typed: the store makes it
   * safe (no query syntax errors). Best first; empty when nothing matches.
   */
  searchText(tenantId: string, agentId: string, query: string, limit: number): Promise<ChunkHit[]>;
  /**
   * Nearest chunks by cosine distance. Empty when the agent has no vectors;
   * ValidationError when `vector`'s dimension is not that of the agent's.
   * Searches may be approximate (an index trades recall for speed); scores
   * are exact. `limit` is 1–1000 for both searches (else ValidationError).
   */
  searchVector(tenantId: string, agentId: string, vector: Float32Array, limit: number): Promise<ChunkHit[]>;
}
