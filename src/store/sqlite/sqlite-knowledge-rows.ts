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
    uri: row.uri,
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

/**
 * Loads ranked chunks as hits, in the order given. Each chunk is checked
 * again against the tenant and agent (the indexes already scope by agent; this
 * is the second lock on the door), and one that is gone is left out.
 */
export function createHitLoader(
  db: Database,
): (tenantId: string, agentId: string, ranked: readonly RankedKey[]) => ChunkHit[] {
  const byKey = db.prepare<[number, string, string], ChunkRow & { uri: string; kind: SourceKind }>(
    `SELECT ${chunkColumns}, s.uri, s.kind
     FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id
     WHERE c.key = ? AND s.tenant_id = ? AND s.agent_id = ?`,
  );
  return (tenantId, agentId, ranked) => {
    const hits: ChunkHit[] = [];
    for (const { key, score } of ranked) {
      const row = byKey.get(key, tenantId, agentId);
      if (!row) continue;
      hits.push({ chunk: toChunk(row), source: { id: row.source_id, uri: row.uri, kind: row.kind }, score });
    }
    return hits;
  };
}
