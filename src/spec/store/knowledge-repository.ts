// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { Chunk, ChunkHit, ChunkInput, KnowledgeSource, SourceKind } from "../knowledge.js";

/**
 * A staged source not written for this long (ms) is abandoned: its writer
 * died, since a living one appends a batch every few milliseconds and each
 * append refreshes its `updatedAt`. Writers and sweepers both go by it.
 */
export const abandonedAfterMs = 60_000;

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
   * Adds chunks after a source's, live or staged (its `chunkCount` grows by their number);
   * their ordinals must not repeat one it has (StoreError unique); with
   * `contentHash`, the source's hash becomes it. For writing a large source
   * in batches: a `stageSource` with the first batch, then this for the
   * others, then `publishSource`, so that no single call holds the event
   * loop or the store. NotFoundError when the source is not the agent's, or
   * is retired.
   */
  appendChunks(input: {
    tenantId: string;
    agentId: string;
    sourceId: string;
    chunks: ChunkInput[];
    contentHash?: string;
  }): Promise<KnowledgeSource>;
  /**
   * Starts a new version of source `uri` that no read sees (searches, lists,
   * counts, `getChunks`, `chunksWithoutVectors`): a "staged" source, written
   * in batches by `appendChunks` (each its own short transaction, so other
   * calls run between them) and made live by `publishSource`. Until then an
   * existing live source with that uri keeps answering, whole. Each write
   * refreshes its `updatedAt`: one left untouched (its writer died) is found
   * by `abandonedSources` and removed by `purgeSource`.
   */
  stageSource(input: Parameters<KnowledgeRepository["putSource"]>[0]): Promise<KnowledgeSource>;
  /**
   * In one short transaction, makes a staged source the live one of its uri:
   * the source live until then (if any) is retired — hidden at once, its
   * chunks left for `purgeSource` — and the staged one takes its place (its
   * `createdAt` kept, so listings keep their order) with `contentHash` when
   * given, and its own id (a re-ingested source's id changes; `putSource`
   * keeps it). Reads see the old version or the new one, never a mix. Two staged
   * versions of one uri published one after the other: the later one is live,
   * the earlier retired. Returns the live source and the id of the retired one.
   * NotFoundError when the staged source is not the agent's or is gone (it
   * was published already, or purged as abandoned).
   */
  publishSource(input: {
    tenantId: string;
    agentId: string;
    sourceId: string;
    contentHash?: string;
  }): Promise<{ source: KnowledgeSource; retired: string | null }>;
  /**
   * The agent's hidden sources nobody will finish: retired ones, and staged
   * ones not written since `staleBefore` (ISO time), for `purgeSource`.
   */
  abandonedSources(tenantId: string, agentId: string, staleBefore: string): Promise<{ id: string }[]>;
  /**
   * `abandonedSources` of every tenant and agent, oldest first, at most
   * `limit` (1–1,000): for the sweep when a store opens. Reads only hidden
   * sources, through their partial index: no scan of a big store.
   */
  allAbandonedSources(staleBefore: string, limit: number): Promise<{ tenantId: string; id: string }[]>;
  /**
   * Removes up to `limit` (1–10,000) chunks of a hidden (staged or retired)
   * source, and the source itself once it has none; returns how many chunks
   * it still has (0: gone). In batches, because removing chunks costs
   * (their text index entries): a source of 5,000 removed in one call would
   * hold a SQLite store for as long as writing it. A live source or an
   * unknown id: NotFoundError (`removeSource` removes live ones).
   */
  purgeSource(tenantId: string, id: string, limit: number): Promise<number>;
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
