/**
 * Rows of the knowledge tables, their contract shapes, and the query every
 * search ends with: ranked chunk keys to `ChunkHit`s, each checked again
 * against the tenant and agent (the second lock on the door).
 */
import type { Chunk, ChunkHit, KnowledgeSource, SourceKind } from "../../spec/knowledge.js";
import type { Sql } from "./postgres-sql.js";
import { iso } from "./postgres-values.js";

export interface KnowledgeIndexRow {
  key: number;
  tenant_id: string;
  agent_id: string;
  chunk_count: number;
  total_words: number;
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
  created_at: Date;
  updated_at: Date;
  /** Only 'live' rows are read; see migration 9. */
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
  metadata: Record<string, unknown>;
}

/** The chunk columns every chunk query selects, for `toChunk`. */
export const chunkColumns = "c.key, c.id, c.source_id, c.ordinal, c.title, c.text, c.location, c.metadata";

export interface RankedKey {
  key: number;
  score: number;
}

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
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
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
    metadata: row.metadata,
  };
}

/**
 * Loads ranked chunks as hits, in the order given; one that is gone, not the
 * agent's, or not live (a staged or retired source's, still in the indexes)
 * is left out.
 */
export async function loadHits(
  sql: Sql,
  tenantId: string,
  agentId: string,
  ranked: readonly RankedKey[],
): Promise<ChunkHit[]> {
  if (ranked.length === 0) return [];
  const rows = await sql.query<ChunkRow & { uri: string; kind: SourceKind }>(
    `SELECT ${chunkColumns}, s.uri, s.kind
     FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id
     WHERE c.key = ANY($1::bigint[]) AND s.tenant_id = $2 AND s.agent_id = $3 AND s.state = 'live'`,
    [ranked.map((r) => r.key), tenantId, agentId],
  );
  const byKey = new Map(rows.map((row) => [Number(row.key), row]));
  const hits: ChunkHit[] = [];
  for (const { key, score } of ranked) {
    const row = byKey.get(key);
    if (!row) continue;
    hits.push({ chunk: toChunk(row), source: { id: row.source_id, uri: row.uri, kind: row.kind }, score });
  }
  return hits;
}
