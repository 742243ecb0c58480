/**
 * Staged sources on PostgreSQL (migration 9), as SQLite's
 * (sqlite-knowledge-staging.ts): a new version is written hidden in short
 * transactions, swapped in by one short `publishSource`, and the version it
 * replaces is retired and removed by `purgeSource` in batches. Each write
 * locks the agent's index row first, like every knowledge write here, so two
 * publishes of one uri run one after the other and the second sees the
 * first's live row (READ COMMITTED: each statement after the lock reads what
 * was committed before it).
 */
import { NotFoundError } from "../../spec/errors.js";
import type { StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import { insertChunks } from "./postgres-chunk-insert.js";
import { type KnowledgeIndexRow, type SourceRow, toSource } from "./postgres-knowledge-rows.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, nowIso } from "./postgres-values.js";

type Knowledge = StoreRepositories["knowledge"];
type Staging = Pick<
  Knowledge,
  "stageSource" | "publishSource" | "abandonedSources" | "allAbandonedSources" | "purgeSource"
>;

/** Most chunks one `purgeSource` call removes. */
export const maxPurgeLimit = 10_000;
/** Most sources one `allAbandonedSources` call lists. */
export const maxAbandonedLimit = 1000;

export function createPostgresStaging(
  sql: Sql,
  lockIndex: (tx: Sql, tenantId: string, agentId: string) => Promise<KnowledgeIndexRow>,
): Staging {
  return {
    stageSource: (input) =>
      sql.atomic(async (tx) => {
        const index = await lockIndex(tx, input.tenantId, input.agentId);
        const id = newId();
        const [source] = await tx.query<SourceRow>(
          `INSERT INTO knowledge_sources (id, tenant_id, agent_id, uri, kind, content_hash, bytes, chunk_count,
             created_at, updated_at, state, hidden_uri)
           VALUES ($1, $2, $3, 'hidden:' || $1, $4, $5, $6, $7, $8, $8, 'staged', $9) RETURNING *`,
          [
            id,
            input.tenantId,
            input.agentId,
            input.kind,
            input.contentHash,
            input.bytes,
            input.chunks.length,
            nowIso(),
            input.uri,
          ],
        );
        await insertChunks(tx, index.key, id, input.chunks);
        return toSource(source!);
      }),
    publishSource: (input) =>
      sql.atomic(async (tx) => {
        await lockIndex(tx, input.tenantId, input.agentId);
        const [staged] = await tx.query<SourceRow>(
          `SELECT * FROM knowledge_sources WHERE id = $1 AND tenant_id = $2 AND agent_id = $3
             AND state = 'staged'`,
          [input.sourceId, input.tenantId, input.agentId],
        );
        if (!staged) throw new NotFoundError("staged knowledge source", input.sourceId);
        const now = nowIso();
        const [live] = await tx.query<SourceRow>(
          `UPDATE knowledge_sources SET state = 'retired', hidden_uri = uri, uri = 'hidden:' || id, updated_at = $1
           WHERE tenant_id = $2 AND agent_id = $3 AND uri = $4 AND state = 'live' RETURNING *`,
          [now, input.tenantId, input.agentId, staged.hidden_uri],
        );
        const [source] = await tx.query<SourceRow>(
          `UPDATE knowledge_sources SET state = 'live', uri = hidden_uri, hidden_uri = NULL,
             content_hash = coalesce($1, content_hash), created_at = coalesce($2, created_at), updated_at = $3
           WHERE id = $4 RETURNING *`,
          [input.contentHash ?? null, live?.created_at ?? null, now, staged.id],
        );
        return { source: toSource(source!), retired: live?.id ?? null };
      }),
    abandonedSources: (tenantId, agentId, staleBefore) =>
      sql.query<{ id: string }>(
        `SELECT id FROM knowledge_sources WHERE tenant_id = $1 AND agent_id = $2 AND state <> 'live'
           AND (state = 'retired' OR updated_at < $3) ORDER BY updated_at, id`,
        [tenantId, agentId, staleBefore],
      ),
    allAbandonedSources(staleBefore, limit) {
      assertLimit(limit, maxAbandonedLimit);
      // `state <> 'live'` as the partial index knowledge_sources_hidden (v9) states it, so it is used.
      return sql.query<{ tenantId: string; id: string }>(
        `SELECT tenant_id AS "tenantId", id FROM knowledge_sources
         WHERE state <> 'live' AND (state = 'retired' OR updated_at < $1) ORDER BY updated_at, id LIMIT $2`,
        [staleBefore, limit],
      );
    },
    purgeSource(tenantId, id, limit) {
      assertLimit(limit, maxPurgeLimit);
      return sql.atomic(async (tx) => {
        const [source] = await tx.query<SourceRow>(
          "SELECT * FROM knowledge_sources WHERE id = $1 AND tenant_id = $2 AND state <> 'live'",
          [id, tenantId],
        );
        if (!source) throw new NotFoundError("hidden knowledge source", id);
        await lockIndex(tx, tenantId, source.agent_id);
        // The cascade takes their vectors; the trigger their statistics.
        const removed = await tx.query<{ key: string }>(
          `DELETE FROM chunks WHERE key IN (SELECT key FROM chunks WHERE source_id = $1 ORDER BY key LIMIT $2)
           RETURNING key`,
          [id, limit],
        );
        const [left] = await tx.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM (SELECT 1 FROM chunks WHERE source_id = $1 LIMIT 1) AS one",
          [id],
        );
        if (left!.n === 0) {
          await tx.query("DELETE FROM knowledge_sources WHERE id = $1", [id]);
          return 0;
        }
        await tx.query(
          "UPDATE knowledge_sources SET chunk_count = greatest(chunk_count - $1, 0) WHERE id = $2",
          [removed.length, id],
        );
        return Math.max(source.chunk_count - removed.length, 1);
      });
    },
  };
}
