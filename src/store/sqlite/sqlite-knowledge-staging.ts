/**
 * Staged sources on SQLite (migration 10): a new version of a source is
 * written hidden, in as many short transactions as its writer wants, and
 * swapped in by one short `publishSource`; the version it replaces is retired
 * and removed by `purgeSource` in batches. Every read of the knowledge
 * repository takes only `state = 'live'` rows: the text and vector indexes
 * still hold hidden chunks, so searches skip them when loading their hits.
 */
import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { ChunkInput } from "../../spec/knowledge.js";
import { newId } from "../ids.js";
import { assertLimit } from "./assert-limit.js";
import { chunksPerIndex } from "./chunk-keys.js";
import { nowIso } from "./column-values.js";
import { type KnowledgeIndexRow, type SourceRow, toSource } from "./sqlite-knowledge-rows.js";
import type { SyncRepositories } from "./sync-repositories.js";

type Knowledge = SyncRepositories["knowledge"];
type Staging = Pick<
  Knowledge,
  "stageSource" | "publishSource" | "abandonedSources" | "allAbandonedSources" | "purgeSource"
>;

/** What staging needs of the repository it belongs to. */
export interface StagingParts {
  ensureIndex(tenantId: string, agentId: string): KnowledgeIndexRow;
  insertChunks(index: KnowledgeIndexRow, sourceId: string, chunks: ChunkInput[], fresh: boolean): void;
  /** After chunks of the agent were written, hidden or shown: kept statistics and hits no longer hold. */
  changed(tenantId: string, agentId: string, hidden: boolean): void;
  keysExhausted(agentId: string): Error;
}

/** Most chunks one `purgeSource` call removes. */
export const maxPurgeLimit = 10_000;
/** Most sources one `allAbandonedSources` call lists. */
export const maxAbandonedLimit = 1000;

export function createSqliteStaging(db: Database, parts: StagingParts): Staging {
  const insertStaged = db.prepare<[Record<string, unknown>], SourceRow>(
    `INSERT INTO knowledge_sources (id, tenant_id, agent_id, uri, kind, content_hash, bytes, chunk_count,
       created_at, updated_at, state, hidden_uri)
     VALUES (@id, @tenantId, @agentId, 'hidden:' || @id, @kind, @contentHash, @bytes, @chunkCount, @now, @now,
       'staged', @uri)
     RETURNING *`,
  );
  const stagedSource = db.prepare<[string, string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE id = ? AND tenant_id = ? AND agent_id = ? AND state = 'staged'",
  );
  const liveByUri = db.prepare<[string, string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE tenant_id = ? AND agent_id = ? AND uri = ? AND state = 'live'",
  );
  const retire = db.prepare<[string, string]>(
    `UPDATE knowledge_sources SET state = 'retired', hidden_uri = uri, uri = 'hidden:' || id, updated_at = ?
     WHERE id = ?`,
  );
  const goLive = db.prepare<[string | null, string | null, string, string], SourceRow>(
    `UPDATE knowledge_sources SET state = 'live', uri = hidden_uri, hidden_uri = NULL,
       content_hash = coalesce(?, content_hash), created_at = coalesce(?, created_at), updated_at = ?
     WHERE id = ? RETURNING *`,
  );
  const abandoned = db.prepare<[string, string, string], { id: string }>(
    `SELECT id FROM knowledge_sources WHERE tenant_id = ? AND agent_id = ? AND state <> 'live'
       AND (state = 'retired' OR updated_at < ?) ORDER BY updated_at, id`,
  );
  // INDEXED BY: only the hidden rows' partial index is read, however many live sources the store holds.
  const abandonedAnywhere = db.prepare<[string, number], { tenantId: string; id: string }>(
    `SELECT tenant_id AS tenantId, id FROM knowledge_sources INDEXED BY knowledge_sources_hidden
     WHERE state <> 'live' AND (state = 'retired' OR updated_at < ?) ORDER BY updated_at, id LIMIT ?`,
  );
  const hiddenSource = db.prepare<[string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE id = ? AND tenant_id = ? AND state <> 'live'",
  );
  // The triggers take the chunks out of FTS5; the cascade takes their vectors.
  const removeSome = db.prepare<[string, number]>(
    "DELETE FROM chunks WHERE key IN (SELECT key FROM chunks WHERE source_id = ? ORDER BY key LIMIT ?)",
  );
  const anyLeft = db.prepare<[string], number>("SELECT 1 FROM chunks WHERE source_id = ? LIMIT 1").pluck();
  const shrink = db.prepare<[number, string]>(
    "UPDATE knowledge_sources SET chunk_count = max(chunk_count - ?, 0) WHERE id = ?",
  );
  const removeRow = db.prepare<[string]>("DELETE FROM knowledge_sources WHERE id = ?");

  const stage = db.transaction((input: Parameters<Knowledge["stageSource"]>[0]) => {
    const index = parts.ensureIndex(input.tenantId, input.agentId);
    if (index.next_chunk + input.chunks.length > chunksPerIndex) throw parts.keysExhausted(input.agentId);
    const source = insertStaged.get({
      id: newId(),
      tenantId: input.tenantId,
      agentId: input.agentId,
      uri: input.uri,
      kind: input.kind,
      contentHash: input.contentHash,
      bytes: input.bytes,
      chunkCount: input.chunks.length,
      now: nowIso(),
    })!;
    parts.insertChunks(index, source.id, input.chunks, true);
    return toSource(source);
  });

  const publish = db.transaction((input: Parameters<Knowledge["publishSource"]>[0]) => {
    const staged = stagedSource.get(input.sourceId, input.tenantId, input.agentId);
    if (!staged) throw new NotFoundError("staged knowledge source", input.sourceId);
    const now = nowIso();
    const live = liveByUri.get(input.tenantId, input.agentId, staged.hidden_uri!);
    if (live) retire.run(now, live.id);
    const source = goLive.get(input.contentHash ?? null, live?.created_at ?? null, now, staged.id)!;
    return { source: toSource(source), retired: live?.id ?? null };
  });

  const purge = db.transaction((tenantId: string, id: string, limit: number) => {
    const source = hiddenSource.get(id, tenantId);
    if (!source) throw new NotFoundError("hidden knowledge source", id);
    const removed = removeSome.run(id, limit).changes;
    if (anyLeft.get(id) === undefined) {
      removeRow.run(id);
      return { source, left: 0 };
    }
    shrink.run(removed, id);
    return { source, left: Math.max(source.chunk_count - removed, 1) };
  });

  return {
    stageSource(input) {
      try {
        return stage.immediate(input);
      } finally {
        parts.changed(input.tenantId, input.agentId, false);
      }
    },
    publishSource(input) {
      try {
        return publish.immediate(input);
      } finally {
        parts.changed(input.tenantId, input.agentId, true);
      }
    },
    abandonedSources: (tenantId, agentId, staleBefore) => abandoned.all(tenantId, agentId, staleBefore),
    allAbandonedSources(staleBefore, limit) {
      assertLimit(limit, maxAbandonedLimit);
      return abandonedAnywhere.all(staleBefore, limit);
    },
    purgeSource(tenantId, id, limit) {
      assertLimit(limit, maxPurgeLimit);
      const { source, left } = purge.immediate(tenantId, id, limit);
      parts.changed(tenantId, source.agent_id, false);
      return left;
    },
  };
}
