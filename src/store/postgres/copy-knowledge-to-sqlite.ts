/**
 * `store copy`'s knowledge phase, PostgreSQL to SQLite (the reverse of
 * copy-knowledge.ts): each agent's index with its embedding model, its chunks
 * (ids kept; given keys from the agent's SQLite key block in PostgreSQL's key
 * order, so a source's chunks stay one range; FTS5 indexes them through the
 * store's triggers) and their vectors (the same float32 bytes, placed in the
 * SQLite vector index's cells). Sources, staged and retired ones included,
 * are ordinary tables, copied before; so are their chunks here, hidden as they
 * were, for the next ingestion or open to sweep as on the source.
 *
 * Compared through the same views as the other direction (`knowledgeViews`).
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { StoreError } from "../../spec/errors.js";
import { TableChecksum } from "../copy-checksum.js";
import { chunkKeyRange, chunksPerIndex } from "../sqlite/chunk-keys.js";
import type { KnowledgeIndexRow } from "../sqlite/sqlite-knowledge-rows.js";
import { createVectorIndex } from "../sqlite/sqlite-knowledge-vectors.js";
import { knowledgeViews } from "./copy-knowledge.js";
import { eachRow } from "./copy-table-to-sqlite.js";

const vectorBatch = 500;

/** Copies the knowledge index in both callers' transactions; returns the source's sums per view. */
export async function copyKnowledgeToSqlite(
  source: pg.ClientBase,
  db: Database.Database,
  keepHashes: boolean,
): Promise<Map<string, TableChecksum>> {
  const sums = new Map(knowledgeViews.map((v) => [v.name, new TableChecksum(v.columns, keepHashes)]));
  const vectors = createVectorIndex(db);
  const indexOf = db.prepare<[string, string], KnowledgeIndexRow>(
    "SELECT * FROM knowledge_indexes WHERE tenant_id = ? AND agent_id = ?",
  );
  const insertIndex = db.prepare<[string, string], KnowledgeIndexRow>(
    "INSERT INTO knowledge_indexes (tenant_id, agent_id) VALUES (?, ?) RETURNING *",
  );
  const indexes = new Map<string, KnowledgeIndexRow>();
  const ensure = (tenantId: string, agentId: string): KnowledgeIndexRow => {
    const name = `${tenantId}\u0000${agentId}`;
    let index = indexes.get(name);
    if (!index) {
      index = indexOf.get(tenantId, agentId) ?? insertIndex.get(tenantId, agentId)!;
      indexes.set(name, index);
    }
    return index;
  };

  const indexRows: Record<string, unknown>[] = [];
  await eachRow(source, knowledgeViews[0]!.select, (row) => indexRows.push(row));
  for (const row of indexRows) {
    sums.get("knowledge_indexes")!.add(row);
    const index = ensure(String(row.tenant_id), String(row.agent_id));
    if (row.embedding_model !== null) {
      vectors.assertModel(index, String(row.embedding_model), Number(row.embedding_dimension));
    }
  }

  const insertChunk = db.prepare(
    `INSERT INTO chunks (key, id, source_id, ordinal, title, text, location, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVectorSlot = db.prepare<[number]>("INSERT INTO chunk_vectors (chunk_key) VALUES (?)");
  const keyOf = new Map<string, { key: number; indexKey: number }>();
  await eachRow(
    source,
    `SELECT c.id, c.source_id, c.ordinal, c.title, c.text, c.location, c.metadata::text AS metadata,
       s.tenant_id, s.agent_id
     FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id ORDER BY c.index_key, c.key`,
    (row) => {
      sums.get("chunks")!.add(row);
      const index = ensure(String(row.tenant_id), String(row.agent_id));
      if (index.next_chunk >= chunksPerIndex) throw keysExhausted(index.agent_id);
      const key = chunkKeyRange(index.key).first + index.next_chunk;
      index.next_chunk += 1;
      insertChunk.run(
        key,
        row.id,
        row.source_id,
        row.ordinal,
        row.title,
        row.text,
        row.location,
        row.metadata,
      );
      insertVectorSlot.run(key);
      keyOf.set(String(row.id), { key, indexKey: index.key });
    },
  );
  const reserve = db.prepare<[number, number]>("UPDATE knowledge_indexes SET next_chunk = ? WHERE key = ?");
  for (const index of indexes.values()) reserve.run(index.next_chunk, index.key);
  // Each copied source's key range (migration 10), where its chunks are one run of keys (they are, but
  // for a source appended to while another source of its agent was written: left unknown, as the store does).
  db.exec(
    `UPDATE knowledge_sources SET key_first = r.first, key_last = r.last
     FROM (SELECT source_id, min(key) AS first, max(key) AS last, count(*) AS n FROM chunks GROUP BY source_id) AS r
     WHERE r.source_id = knowledge_sources.id AND knowledge_sources.key_first IS NULL
       AND r.n = r.last - r.first + 1`,
  );

  let batch: { chunk_id: string; embedding: Buffer }[] = [];
  const flush = () => {
    const byIndex = new Map<number, { key: number; vector: Float32Array }[]>();
    for (const row of batch) {
      const { key, indexKey } = keyOf.get(row.chunk_id)!;
      const bytes = new Uint8Array(row.embedding);
      const items = byIndex.get(indexKey) ?? [];
      items.push({ key, vector: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4) });
      byIndex.set(indexKey, items);
    }
    for (const [indexKey, items] of byIndex) vectors.putAll(indexKey, items);
    batch = [];
  };
  await eachRow(source, knowledgeViews[2]!.select, (row) => {
    sums.get("chunk_vectors")!.add(row);
    batch.push(row as { chunk_id: string; embedding: Buffer });
    if (batch.length >= vectorBatch) flush();
  });
  flush();
  return sums;
}

function keysExhausted(agentId: string): StoreError {
  return new StoreError("full", `agent ${agentId} has no chunk keys left in the SQLite destination`, {
    hint: "Copy into a new SQLite file: its agents' key blocks start empty.",
  });
}
