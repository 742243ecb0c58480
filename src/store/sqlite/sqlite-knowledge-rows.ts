/**
 * Rows of the knowledge tables and their contract shapes, plus the one query
 * every search ends with: turning ranked chunk keys into `ChunkHit`s.
 */
import type { Database } from "better-sqlite3";
import type { Chunk, ChunkHit, KnowledgeSource, SourceKind } from "../../spec/knowledge.js";
import { fromJsonText } from "./column-values.js";

export interface KnowledgeIndexRow {
  key: number;
  tenant_id: string;
  agent_id: string;
  next_chunk: number;
  embedding_model: string | null;
  embedding_dimension: number | null;
}

export interface SourceRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  uri: string;
  kind: SourceKind;
  content_hash: string;
  bytes: number;
  chunk_count: number;
  created_at: string;
  updated_at: string;
  /** Only 'live' rows are read; see migration 10. */
  state: "live" | "staged" | "retired";
  /** A hidden row's uri (its `uri` is then `hidden:<id>`); NULL when live. */
  hidden_uri: string | null;
}

export interface ChunkRow {
  key: number;
  id: string;
  source_id: string;
  ordinal: number;
  title: string | null;
  text: string;
  location: string;
  metadata: string;
}

/** The chunk columns every chunk query selects, for `toChunk`. */
export const chunkColumns = "c.key, c.id, c.source_id, c.ordinal, c.title, c.text, c.location, c.metadata";

export function toSource(row: SourceRow): KnowledgeSource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    uri: row.hidden_uri ?? row.uri,
    kind: row.kind,
    contentHash: row.content_hash,
    bytes: row.bytes,
    chunkCount: row.chunk_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toChunk(row: ChunkRow): Chunk {
  return {
    id: row.id,
    sourceId: row.source_id,
    ordinal: row.ordinal,
    text: row.text,
    title: row.title,
    location: row.location,
    metadata: fromJsonText<Record<string, never>>(row.metadata),
  };
}

export interface RankedKey {
  key: number;
  score: number;
}

/** Most chunks the hit loader keeps read (see `createHitLoader`): about the size of `readChunk`'s. */
export const MAX_LOADED_CHUNKS = 4096;

interface Loaded {
  tenantId: string;
  agentId: string;
  chunk: Chunk;
  source: ChunkHit["source"];
}

/** See `createHitLoader`. */
export interface HitLoader {
  /** At most `limit` hits (default: all), the first ranked that are live. */
  (tenantId: string, agentId: string, ranked: readonly RankedKey[], limit?: number): ChunkHit[];
  /** Drops every kept chunk: after this connection hid chunks (a source retired). */
  forgetAll(): void;
}

/**
 * Loads ranked chunks as hits, in the order given. Each chunk is checked
 * again against the tenant and agent (the indexes already scope by agent; this
 * is the second lock on the door), and one that is gone, or not live (a
 * staged or retired source's, still in the text and vector indexes), is left out.
 *
 * A chunk key is never given to other content: chunks are only inserted (a
 * re-ingested source gets new keys) and deleted, never updated, and index
 * keys are never reused. So a loaded chunk, with its source's id, uri and
 * kind and its tenant and agent, is kept by key (at most `MAX_LOADED_CHUNKS`,
 * the least recently loaded going first) and not read and parsed again for
 * every search. Only live chunks are kept; a chunk stops being live when its
 * source is retired, and the repository calls `forgetAll` then. Everything is
 * also dropped when another connection commits (`PRAGMA data_version`), in
 * case it retired or wrote chunks. The chunk objects returned are shared:
 * read-only.
 */
export function createHitLoader(db: Database): HitLoader {
  const byKey = db.prepare<[number, string, string], ChunkRow & { uri: string; kind: SourceKind }>(
    `SELECT ${chunkColumns}, s.uri, s.kind
     FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id
     WHERE c.key = ? AND s.tenant_id = ? AND s.agent_id = ? AND s.state = 'live'`,
  );
  const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  const loaded = new Map<number, Loaded>();
  let version: number | undefined;
  const load = (tenantId: string, agentId: string, ranked: readonly RankedKey[], limit = Infinity) => {
    if (ranked.length === 0) return [];
    const now = dataVersion.get()!;
    if (version !== undefined && now !== version) loaded.clear();
    version = now;
    const hits: ChunkHit[] = [];
    for (const { key, score } of ranked) {
      if (hits.length >= limit) break;
      let kept = loaded.get(key);
      if (kept === undefined) {
        const row = byKey.get(key, tenantId, agentId);
        if (!row) continue;
        kept = {
          tenantId,
          agentId,
          chunk: toChunk(row),
          source: { id: row.source_id, uri: row.uri, kind: row.kind },
        };
        if (loaded.size >= MAX_LOADED_CHUNKS) loaded.delete(loaded.keys().next().value!);
      } else {
        if (kept.tenantId !== tenantId || kept.agentId !== agentId) continue;
        loaded.delete(key);
      }
      // Most recently loaded last: Map keeps insertion order, so the first entry is the one to evict.
      loaded.set(key, kept);
      hits.push({ chunk: kept.chunk, source: kept.source, score });
    }
    return hits;
  };
  return Object.assign(load, { forgetAll: () => loaded.clear() });
}
