/**
 * The knowledge index on PostgreSQL: sources, chunks, BM25 over tsvectors
 * (postgres-knowledge-text-search.ts) and vectors
 * (postgres-knowledge-vectors.ts), each agent's rows found by its
 * `knowledge_indexes.key`. Every write to an agent's index locks that row
 * first (FOR UPDATE), so the writes of one agent — from any replica or worker
 * — run one after the other and keep the per-agent statistics exact.
 * Staged sources (postgres-knowledge-staging.ts): every read takes live
 * sources and their chunks only; a search that found fewer than asked asks
 * again for more while the agent has hidden chunks, since they are still
 * indexed (and counted in its statistics until purged).
 */
import { NotFoundError } from "../../spec/errors.js";
import type { ChunkHit } from "../../spec/knowledge.js";
import type { StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import { assertVector } from "../sqlite/sqlite-knowledge-vectors.js";
import { insertChunks } from "./postgres-chunk-insert.js";
import {
  type ChunkRow,
  chunkColumns,
  type KnowledgeIndexRow,
  loadHits,
  type SourceRow,
  toChunk,
  toSource,
} from "./postgres-knowledge-rows.js";
import { createPostgresStaging } from "./postgres-knowledge-staging.js";
import { searchTextHits } from "./postgres-knowledge-text-search.js";
import {
  assertVectorModel,
  hasVectors,
  type PostgresVectorSearch,
  scanVectorSearch,
  vectorMismatch,
} from "./postgres-knowledge-vectors.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, nowIso } from "./postgres-values.js";

type Knowledge = StoreRepositories["knowledge"];

/** Joined to a chunk query (alias `c`): only chunks of live sources. */
const live = "JOIN knowledge_sources s ON s.id = c.source_id AND s.state = 'live'";

export const maxSearchLimit = 1000;
export const maxPendingLimit = 10_000;

export function createPostgresKnowledge(
  sql: Sql,
  vectors: PostgresVectorSearch = scanVectorSearch,
): Knowledge {
  const indexOf = async (tenantId: string, agentId: string, on: Sql = sql, lock = "") =>
    (
      await on.query<KnowledgeIndexRow>(
        `SELECT * FROM knowledge_indexes WHERE tenant_id = $1 AND agent_id = $2 ${lock}`,
        [tenantId, agentId],
      )
    )[0];

  /** The agent's index row, locked; made on its first source. StoreError(foreign_key) unless the agent is the tenant's. */
  const lockIndex = async (tx: Sql, tenantId: string, agentId: string): Promise<KnowledgeIndexRow> => {
    const existing = await indexOf(tenantId, agentId, tx, "FOR UPDATE");
    if (existing) return existing;
    await tx.query(
      "INSERT INTO knowledge_indexes (tenant_id, agent_id) VALUES ($1, $2) ON CONFLICT (tenant_id, agent_id) DO NOTHING",
      [tenantId, agentId],
    );
    return (await indexOf(tenantId, agentId, tx, "FOR UPDATE"))!;
  };

  const chunkKeyOf = async (on: Sql, id: string, indexKey: number) =>
    (
      await on.query<{ key: string }>(
        `SELECT c.key FROM chunks c ${live} WHERE c.id = $1 AND c.index_key = $2`,
        [id, indexKey],
      )
    )[0]?.key;

  /**
   * The first `limit` live hits of a search (`search(n)`: at most n, live
   * only). Hidden chunks (a staged or a retired source's) are in the indexes
   * until published or purged and may have taken places: when fewer than
   * `limit` came back and the agent has some, it asks again for as many more
   * as could be hidden (a second search only then). A search that counts the
   * hidden chunks itself, in its own statement, returns `hidden` (the text
   * search does); for the others they are counted here, in a statement of
   * their own, only when the hits are short.
   */
  const searchLive = async (
    tenantId: string,
    agentId: string,
    limit: number,
    search: (fetch: number) => Promise<{ hits: ChunkHit[]; hidden?: number }>,
  ): Promise<ChunkHit[]> => {
    const { hits, hidden: counted } = await search(limit);
    if (hits.length >= limit) return hits;
    const hidden = counted ?? (await hiddenChunks(tenantId, agentId));
    // At most `maxSearchLimit`: a large retired version (until purged) must not make a visitor's turn fetch it all.
    const wanted = Math.max(limit, Math.min(limit + hidden, maxSearchLimit));
    return hidden === 0 ? hits : (await search(wanted)).hits.slice(0, limit);
  };

  const hiddenChunks = async (tenantId: string, agentId: string) =>
    (
      await sql.query<{ n: number }>(
        `SELECT coalesce(sum(chunk_count), 0)::int AS n FROM knowledge_sources
         WHERE tenant_id = $1 AND agent_id = $2 AND state <> 'live'`,
        [tenantId, agentId],
      )
    )[0]!.n;

  return {
    ...createPostgresStaging(sql, lockIndex),
    putSource: (input) =>
      sql.atomic(async (tx) => {
        const index = await lockIndex(tx, input.tenantId, input.agentId);
        const now = nowIso();
        const [existing] = await tx.query<SourceRow>(
          "SELECT * FROM knowledge_sources WHERE tenant_id = $1 AND agent_id = $2 AND uri = $3 AND state = 'live'",
          [input.tenantId, input.agentId, input.uri],
        );
        const fields = [input.kind, input.contentHash, input.bytes, input.chunks.length, now];
        let source: SourceRow;
        if (existing) {
          // The cascade takes the old chunks' vectors; the trigger their statistics.
          await tx.query("DELETE FROM chunks WHERE source_id = $1", [existing.id]);
          [source] = (await tx.query<SourceRow>(
            `UPDATE knowledge_sources SET kind = $1, content_hash = $2, bytes = $3, chunk_count = $4, updated_at = $5
             WHERE id = $6 RETURNING *`,
            [...fields, existing.id],
          )) as [SourceRow];
        } else {
          [source] = (await tx.query<SourceRow>(
            `INSERT INTO knowledge_sources (kind, content_hash, bytes, chunk_count, created_at, updated_at, id,
               tenant_id, agent_id, uri)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING *`,
            [...fields, newId(), input.tenantId, input.agentId, input.uri],
          )) as [SourceRow];
        }
        await insertChunks(tx, index.key, source.id, input.chunks);
        return toSource(source);
      }),
    appendChunks: (input) =>
      sql.atomic(async (tx) => {
        const index = await indexOf(input.tenantId, input.agentId, tx, "FOR UPDATE");
        const [source] = index
          ? await tx.query<SourceRow>(
              `SELECT * FROM knowledge_sources WHERE id = $1 AND tenant_id = $2 AND agent_id = $3
                 AND state <> 'retired'`,
              [input.sourceId, input.tenantId, input.agentId],
            )
          : [];
        if (!index || !source) throw new NotFoundError("knowledge source", input.sourceId);
        await insertChunks(tx, index.key, source.id, input.chunks);
        const [grown] = await tx.query<SourceRow>(
          `UPDATE knowledge_sources SET chunk_count = chunk_count + $1, content_hash = coalesce($2, content_hash),
             updated_at = $3 WHERE id = $4 RETURNING *`,
          [input.chunks.length, input.contentHash ?? null, nowIso(), source.id],
        );
        return toSource(grown!);
      }),
    async getSource(tenantId, agentId, uri) {
      const [row] = await sql.query<SourceRow>(
        "SELECT * FROM knowledge_sources WHERE tenant_id = $1 AND agent_id = $2 AND uri = $3 AND state = 'live'",
        [tenantId, agentId, uri],
      );
      return row && toSource(row);
    },
    listSources: async (tenantId, agentId) =>
      (
        await sql.query<SourceRow>(
          `SELECT * FROM knowledge_sources WHERE tenant_id = $1 AND agent_id = $2 AND state = 'live'
           ORDER BY created_at, id`,
          [tenantId, agentId],
        )
      ).map(toSource),
    removeSource: (tenantId, id) =>
      sql.atomic(async (tx) => {
        const [source] = await tx.query<SourceRow>(
          "SELECT * FROM knowledge_sources WHERE tenant_id = $1 AND id = $2 AND state = 'live'",
          [tenantId, id],
        );
        if (!source) throw new NotFoundError("knowledge source", id);
        await indexOf(tenantId, source.agent_id, tx, "FOR UPDATE");
        await tx.query("DELETE FROM knowledge_sources WHERE id = $1", [id]);
      }),
    async getChunks(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<ChunkRow>(
        `SELECT ${chunkColumns} FROM unnest($1::text[]) WITH ORDINALITY AS j(id, n)
         JOIN chunks c ON c.id = j.id
         JOIN knowledge_sources s ON s.id = c.source_id AND s.tenant_id = $2 AND s.state = 'live'
         ORDER BY j.n`,
        [ids, tenantId],
      );
      return rows.map(toChunk);
    },
    async listChunks(tenantId, agentId, { limit, after }) {
      assertLimit(limit, maxPendingLimit);
      const index = await indexOf(tenantId, agentId);
      let from = "0";
      if (after !== undefined) {
        const key = index && (await chunkKeyOf(sql, after, index.key));
        if (key === undefined) throw new NotFoundError("chunk", after);
        from = key;
      }
      if (!index) return [];
      const rows = await sql.query<ChunkRow>(
        `SELECT ${chunkColumns} FROM chunks c ${live} WHERE c.index_key = $1 AND c.key > $2 ORDER BY c.key LIMIT $3`,
        [index.key, from, limit],
      );
      return rows.map(toChunk);
    },
    async chunksWithoutVectors(tenantId, agentId, model, limit) {
      assertLimit(limit, maxPendingLimit);
      const index = await indexOf(tenantId, agentId);
      if (!index) return [];
      // Vectors from another model do not count: every chunk still needs one for `model`.
      const otherModel = index.embedding_model !== null && index.embedding_model !== model;
      const rows =
        otherModel && (await hasVectors(sql, index.key))
          ? await sql.query<ChunkRow>(
              `SELECT ${chunkColumns} FROM chunks c ${live} WHERE c.index_key = $1 ORDER BY c.key LIMIT $2`,
              [index.key, limit],
            )
          : await sql.query<ChunkRow>(
              `SELECT ${chunkColumns} FROM chunk_vectors v JOIN chunks c ON c.key = v.chunk_key ${live}
               WHERE v.index_key = $1 AND v.code IS NULL ORDER BY v.chunk_key LIMIT $2`,
              [index.key, limit],
            );
      return rows.map(toChunk);
    },
    async putVectors(tenantId, agentId, model, items) {
      if (items.length === 0) return;
      for (const [i, { vector }] of items.entries()) assertVector(vector, ["items", i, "vector"]);
      const dimension = items[0]!.vector.length;
      for (const [i, { vector }] of items.entries()) {
        if (vector.length !== dimension) {
          throw vectorMismatch(
            `${model} (${dimension} dimensions, as items[0])`,
            `${vector.length} dimensions (items[${i}])`,
            ["items", i, "vector"],
          );
        }
      }
      await sql.atomic(async (tx) => {
        const index = await indexOf(tenantId, agentId, tx, "FOR UPDATE");
        if (!index) throw chunkNotFound(items[0]!.chunkId);
        await assertVectorModel(tx, index, model, dimension);
        const keys = await tx.query<{ id: string; key: string }>(
          `SELECT c.id, c.key FROM chunks c ${live} WHERE c.id = ANY($1::text[]) AND c.index_key = $2`,
          [items.map((item) => item.chunkId), index.key],
        );
        const keyOf = new Map(keys.map((row) => [row.id, Number(row.key)]));
        const keyed = items.map(({ chunkId, vector }) => {
          const key = keyOf.get(chunkId);
          if (key === undefined) throw chunkNotFound(chunkId);
          return { key, vector };
        });
        await vectors.put(tx, index.key, keyed);
      });
    },
    async searchText(tenantId, agentId, query, limit) {
      assertLimit(limit, maxSearchLimit);
      if (typeof query !== "string") return [];
      return searchLive(tenantId, agentId, limit, (n) => searchTextHits(sql, tenantId, agentId, query, n));
    },
    async searchVector(tenantId, agentId, vector, limit) {
      assertLimit(limit, maxSearchLimit);
      assertVector(vector, ["vector"]);
      const index = await indexOf(tenantId, agentId);
      if (!index || index.embedding_dimension === null) return [];
      if (vector.length !== index.embedding_dimension) {
        const expected = `${index.embedding_model} (${index.embedding_dimension} dimensions)`;
        throw vectorMismatch(expected, `a query vector of ${vector.length} dimensions`, ["vector"]);
      }
      return searchLive(tenantId, agentId, limit, async (n) => ({
        hits: await loadHits(sql, tenantId, agentId, await vectors.search(sql, index, vector, n)),
      }));
    },
  };
}

function chunkNotFound(chunkId: string): NotFoundError {
  return new NotFoundError(
    "chunk",
    chunkId,
    "The chunk is not this agent's, or its source was removed or re-ingested since it was read: call chunksWithoutVectors again and embed what it returns.",
  );
}
