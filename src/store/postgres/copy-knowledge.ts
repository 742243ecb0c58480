/**
 * `store copy`'s knowledge phase, SQLite to PostgreSQL: each agent's index,
 * its chunks (ids kept, so citations, synthetic-data plans and evaluation
 * results that name chunks still find them; re-indexed for PostgreSQL's text
 * search on the way in) and their vectors (the same float32 bytes, their
 * sign bits computed again). Sources are ordinary tables, copied before.
 *
 * The three are compared as "views" both engines can produce: the index's
 * agent and embedding model, the chunk's content, the vector's bytes by chunk id.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { type ColumnKind, TableChecksum } from "../copy-checksum.js";
import { insertChunks } from "./postgres-chunk-insert.js";
import { putVectorRows } from "./postgres-knowledge-vectors.js";
import { clientSql } from "./postgres-sql.js";

export interface KnowledgeView {
  name: string;
  columns: { name: string; kind: ColumnKind }[];
  /** The same rows on either engine (SQLite and PostgreSQL both accept it). */
  select: string;
}

export const knowledgeViews: KnowledgeView[] = [
  {
    name: "knowledge_indexes",
    columns: [
      { name: "tenant_id", kind: "text" },
      { name: "agent_id", kind: "text" },
      { name: "embedding_model", kind: "text" },
      { name: "embedding_dimension", kind: "number" },
    ],
    select: "SELECT tenant_id, agent_id, embedding_model, embedding_dimension FROM knowledge_indexes",
  },
  {
    name: "chunks",
    columns: ["id", "source_id", "ordinal", "title", "text", "location", "metadata"].map((name) => ({
      name,
      kind: name === "ordinal" ? "number" : name === "metadata" ? "json" : "text",
    })),
    select: "SELECT id, source_id, ordinal, title, text, location, metadata FROM chunks",
  },
  {
    name: "chunk_vectors",
    columns: [
      { name: "chunk_id", kind: "text" },
      { name: "embedding", kind: "bytes" },
    ],
    select:
      "SELECT c.id AS chunk_id, v.embedding FROM chunk_vectors v JOIN chunks c ON c.key = v.chunk_key WHERE v.embedding IS NOT NULL",
  },
];

const batchRows = 500;

/** Copies the knowledge index inside the caller's transaction; returns the source's sums per view. */
export async function copyKnowledge(
  source: Database.Database,
  destination: pg.ClientBase,
  keepHashes: boolean,
): Promise<Map<string, TableChecksum>> {
  const sums = new Map(knowledgeViews.map((v) => [v.name, new TableChecksum(v.columns, keepHashes)]));
  const sql = clientSql(destination as pg.Client);
  const indexKeys = new Map<string, number>();
  const indexOf = async (tenantId: string, agentId: string): Promise<number> => {
    const known = indexKeys.get(`${tenantId}\u0000${agentId}`);
    if (known !== undefined) return known;
    const [row] = await sql.query<{ key: number }>(
      `INSERT INTO knowledge_indexes (tenant_id, agent_id) VALUES ($1, $2)
       ON CONFLICT (tenant_id, agent_id) DO UPDATE SET agent_id = excluded.agent_id RETURNING key`,
      [tenantId, agentId],
    );
    indexKeys.set(`${tenantId}\u0000${agentId}`, row!.key);
    return row!.key;
  };

  for (const row of source.prepare(knowledgeViews[0]!.select).all() as Record<string, unknown>[]) {
    sums.get("knowledge_indexes")!.add(row);
    const key = await indexOf(String(row.tenant_id), String(row.agent_id));
    await sql.query(
      "UPDATE knowledge_indexes SET embedding_model = $1, embedding_dimension = $2 WHERE key = $3",
      [row.embedding_model, row.embedding_dimension, key],
    );
  }

  // A source's chunks go in together (one statement per run of one source, at most batchRows).
  let run: { sourceId: string; index: number; rows: Record<string, unknown>[] } | undefined;
  const flush = async () => {
    if (!run || run.rows.length === 0) return;
    const chunks = run.rows.map((r) => ({
      ordinal: Number(r.ordinal),
      title: r.title === null ? null : String(r.title),
      text: String(r.text),
      location: String(r.location),
      metadata: JSON.parse(String(r.metadata)) as Record<string, unknown>,
    }));
    await insertChunks(
      sql,
      run.index,
      run.sourceId,
      chunks,
      run.rows.map((r) => String(r.id)),
    );
    run.rows = [];
  };
  const chunkRows = source.prepare(
    `SELECT c.id, c.source_id, c.ordinal, c.title, c.text, c.location, c.metadata, s.tenant_id, s.agent_id
     FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id ORDER BY c.key`,
  );
  for (const row of chunkRows.all() as Record<string, unknown>[]) {
    sums.get("chunks")!.add(row);
    if (!run || run.sourceId !== row.source_id || run.rows.length >= batchRows) {
      await flush();
      run = {
        sourceId: String(row.source_id),
        index: await indexOf(String(row.tenant_id), String(row.agent_id)),
        rows: [],
      };
    }
    run.rows.push(row);
  }
  await flush();

  const vectors = source.prepare(knowledgeViews[2]!.select).all() as {
    chunk_id: string;
    embedding: Buffer;
  }[];
  for (let start = 0; start < vectors.length; start += batchRows) {
    const batch = vectors.slice(start, start + batchRows);
    for (const row of batch) sums.get("chunk_vectors")!.add(row);
    const keys = await sql.query<{ id: string; key: number; index_key: number }>(
      "SELECT id, key, index_key FROM chunks WHERE id = ANY($1::text[])",
      [batch.map((r) => r.chunk_id)],
    );
    const byId = new Map(keys.map((k) => [k.id, k]));
    const byIndex = new Map<number, { key: number; vector: Float32Array }[]>();
    for (const row of batch) {
      const chunk = byId.get(row.chunk_id)!;
      const copy = new Uint8Array(row.embedding);
      const items = byIndex.get(chunk.index_key) ?? [];
      items.push({ key: chunk.key, vector: new Float32Array(copy.buffer, 0, copy.byteLength / 4) });
      byIndex.set(chunk.index_key, items);
    }
    for (const [index, items] of byIndex) await putVectorRows(sql, index, items);
  }
  return sums;
}
