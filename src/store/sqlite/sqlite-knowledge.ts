/**
 * The knowledge index on SQLite: sources, chunks, BM25 (FTS5) and vectors
 * (sqlite-vec), each agent's rows confined by its `knowledge_indexes.key`.
 *
 * Design (numbers from bench/retrieval.ts at the end):
 * - Keys: an agent's chunks take keys from its own block (`chunkKeyRange`),
 *   so "this agent's rows" is a rowid range everywhere: FTS5 applies it in
 *   its index walk, the pending-vector and chunk queries use it on indexes.
 * - Text: one external-content FTS5 table (unicode61 remove_diacritics 2)
 *   synced by triggers; queries are built from folded words, never raw text
 *   (fts5-query.ts), and very common words are dropped within a scoring
 *   budget (sqlite-knowledge-text-search.ts).
 * - Vectors: exact float32 in `chunk_vectors`; binary codes in vec0 tables
 *   partitioned into cells (an incremental inverted file); a search probes
 *   the nearest cells and re-ranks by exact cosine
 *   (sqlite-knowledge-vectors.ts).
 * - Isolation: the agent's key is looked up by (tenant, agent) and a search
 *   reads only that key's rows; each hit is checked again against the tenant
 *   and agent when it is loaded.
 * - Staging (sqlite-knowledge-staging.ts): every read takes live sources and
 *   their chunks only; searches leave out hidden chunks, still indexed, by
 *   key range (sqlite-hidden-keys.ts).
 *
 * Measured (npx tsx bench/retrieval.ts --chunks 100000,1000000 --queries 200
 * --rounds 3 --sweep; one agent holds every chunk, 60–120 words each, Zipf
 * Spanish/English vocabulary, 384-dim vectors; 2 cores, Node 20, load
 * average 1.0; median over 3 rounds of 200 queries):
 *
 *   chunks  ingest text  ingest vectors  BM25 p50/p95  vector p50/p95  hybrid p50/p95  file
 *   100k    10.4k/s      8.8k/s          2.6 / 5.6 ms  4.7 / 5.2 ms    8.5 / 11.6 ms   390 MiB
 *   1M      9.9k/s       3.9k/s          4.8 / 8.5 ms  5.4 / 6.0 ms    11.4 / 15.1 ms  3.4 GiB
 *
 * References in the same run, at 1M: exact BM25 1091 / 1476 ms, LIKE scan
 * 2553 ms, brute-force float vec0 595 / 655 ms, exact hybrid 1564 / 2007 ms
 * (ours 133× faster at p95). Quality at 1M: vector recall@10 0.85 (0.87 at
 * 100k); BM25 top-10 overlap with exact 0.40 (0.79 at 100k), but the chunk a
 * query was drawn from is in our top 10 for 0.56 of queries (exact BM25: 0.64;
 * at 100k 0.87 against 0.81); hybrid 0.94 (exact 1.00). RSS under 300 MiB.
 * The trade-off tables (--sweep) show the settings around these.
 */
import type { Database } from "better-sqlite3";
import { NotFoundError, StoreError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { ChunkInput } from "../../spec/knowledge.js";
import { newId } from "../ids.js";
import { assertLimit } from "./assert-limit.js";
import { chunkKeyRange, chunksPerIndex } from "./chunk-keys.js";
import { nowIso, toJsonText } from "./column-values.js";
import { createHiddenKeys } from "./sqlite-hidden-keys.js";
import {
  type ChunkRow,
  chunkColumns,
  createHitLoader,
  type KnowledgeIndexRow,
  type SourceRow,
  toChunk,
  toSource,
} from "./sqlite-knowledge-rows.js";
import { createSqliteStaging } from "./sqlite-knowledge-staging.js";
import { createTextSearch } from "./sqlite-knowledge-text-search.js";
import {
  assertVector,
  createVectorIndex,
  type VectorIndexOptions,
  vectorMismatch,
} from "./sqlite-knowledge-vectors.js";
import type { SyncRepositories } from "./sync-repositories.js";

type Knowledge = SyncRepositories["knowledge"];

/** Joined to a chunk query (alias `c`): only chunks of live sources. */
const live = "JOIN knowledge_sources s ON s.id = c.source_id AND s.state = 'live'";

/** Largest `limit` a search takes; `chunksWithoutVectors` takes up to `maxPendingLimit`. */
export const maxSearchLimit = 1000;
export const maxPendingLimit = 10_000;

export interface SqliteKnowledgeOptions {
  /** Vector index settings (tests and benchmarks; the defaults are measured). */
  vectors?: VectorIndexOptions;
}

export function createSqliteKnowledge(db: Database, options: SqliteKnowledgeOptions = {}): Knowledge {
  const indexOf = db.prepare<[string, string], KnowledgeIndexRow>(
    "SELECT * FROM knowledge_indexes WHERE tenant_id = ? AND agent_id = ?",
  );
  const insertIndex = db.prepare<[string, string], KnowledgeIndexRow>(
    "INSERT INTO knowledge_indexes (tenant_id, agent_id) VALUES (?, ?) RETURNING *",
  );
  const reserveKeys = db.prepare<[number, number]>(
    "UPDATE knowledge_indexes SET next_chunk = next_chunk + ? WHERE key = ?",
  );
  const sourceByUri = db.prepare<[string, string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE tenant_id = ? AND agent_id = ? AND uri = ? AND state = 'live'",
  );
  const sourcesOf = db.prepare<[string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE tenant_id = ? AND agent_id = ? AND state = 'live' ORDER BY created_at, id",
  );
  const insertSource = db.prepare<[Record<string, unknown>], SourceRow>(
    `INSERT INTO knowledge_sources (id, tenant_id, agent_id, uri, kind, content_hash, bytes, chunk_count,
       created_at, updated_at)
     VALUES (@id, @tenantId, @agentId, @uri, @kind, @contentHash, @bytes, @chunkCount, @now, @now)
     RETURNING *`,
  );
  const updateSource = db.prepare<[Record<string, unknown>], SourceRow>(
    `UPDATE knowledge_sources
     SET kind = @kind, content_hash = @contentHash, bytes = @bytes, chunk_count = @chunkCount, updated_at = @now
     WHERE id = @id RETURNING *`,
  );
  const ownSource = db.prepare<[string, string, string], SourceRow>(
    "SELECT * FROM knowledge_sources WHERE id = ? AND tenant_id = ? AND agent_id = ? AND state <> 'retired'",
  );
  const growSource = db.prepare<[number, string | null, string, string], SourceRow>(
    `UPDATE knowledge_sources SET chunk_count = chunk_count + ?, content_hash = coalesce(?, content_hash),
       updated_at = ? WHERE id = ? RETURNING *`,
  );
  const removeChunksOf = db.prepare<[string]>("DELETE FROM chunks WHERE source_id = ?");
  const removeSource = db.prepare<[string, string]>(
    "DELETE FROM knowledge_sources WHERE tenant_id = ? AND id = ? AND state = 'live'",
  );
  const insertChunk = db.prepare<[number, string, string, number, string | null, string, string, string]>(
    `INSERT INTO chunks (key, id, source_id, ordinal, title, text, location, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setKeys = db.prepare<[number | null, number | null, string]>(
    "UPDATE knowledge_sources SET key_first = ?, key_last = ? WHERE id = ?",
  );
  // Adjacent to the source's range: it grows; else another source's keys came between: unknown.
  const extendKeys = db.prepare<[{ start: number; end: number; id: string }]>(
    `UPDATE knowledge_sources SET key_first = iif(key_last = @start - 1, key_first, NULL),
       key_last = iif(key_last = @start - 1, @end, NULL) WHERE id = @id`,
  );
  const insertVectorSlot = db.prepare<[number]>("INSERT INTO chunk_vectors (chunk_key) VALUES (?)");
  const chunksByIds = db.prepare<[string, string], ChunkRow>(
    `SELECT ${chunkColumns} FROM json_each(?) j
     JOIN chunks c ON c.id = j.value
     JOIN knowledge_sources s ON s.id = c.source_id AND s.tenant_id = ? AND s.state = 'live'
     ORDER BY j.key`,
  );
  const pending = db.prepare<[number, number, number], ChunkRow>(
    `SELECT ${chunkColumns} FROM chunk_vectors v JOIN chunks c ON c.key = v.chunk_key ${live}
     WHERE v.chunk_key BETWEEN ? AND ? AND v.embedding IS NULL ORDER BY v.chunk_key LIMIT ?`,
  );
  const everyChunk = db.prepare<[number, number, number], ChunkRow>(
    `SELECT ${chunkColumns} FROM chunks c ${live} WHERE c.key BETWEEN ? AND ? ORDER BY c.key LIMIT ?`,
  );
  const chunkKeyOf = db
    .prepare<[string, number, number], number>(
      `SELECT c.key FROM chunks c ${live} WHERE c.id = ? AND c.key BETWEEN ? AND ?`,
    )
    .pluck();
  const textSearch = createTextSearch(db);
  const hidden = createHiddenKeys(db, textSearch);
  const vectors = createVectorIndex(db, options.vectors);
  const loadHits = createHitLoader(db);

  /** After a write to an agent's chunks: its kept word frequencies no longer hold. */
  const forgetIndex = (tenantId: string, agentId: string): void => {
    const index = indexOf.get(tenantId, agentId);
    if (index) textSearch.forget(index.key);
  };

  /** The agent's index row, made on its first source. StoreError(foreign_key) unless the agent is the tenant's. */
  const ensureIndex = (tenantId: string, agentId: string): KnowledgeIndexRow =>
    indexOf.get(tenantId, agentId) ?? insertIndex.get(tenantId, agentId)!;

  const putSource = db.transaction((input: Parameters<Knowledge["putSource"]>[0]) => {
    const index = ensureIndex(input.tenantId, input.agentId);
    if (index.next_chunk + input.chunks.length > chunksPerIndex) throw keysExhausted(input.agentId);
    const now = nowIso();
    const fields = {
      tenantId: input.tenantId,
      agentId: input.agentId,
      uri: input.uri,
      kind: input.kind,
      contentHash: input.contentHash,
      bytes: input.bytes,
      chunkCount: input.chunks.length,
      now,
    };
    const existing = sourceByUri.get(input.tenantId, input.agentId, input.uri);
    let source: SourceRow;
    if (existing) {
      // The triggers take the old chunks out of FTS5; the cascade takes their vectors.
      removeChunksOf.run(existing.id);
      source = updateSource.get({ ...fields, id: existing.id })!;
    } else {
      source = insertSource.get({ ...fields, id: newId() })!;
    }
    insertChunks(index, source.id, input.chunks, true);
    return toSource(source);
  });

  /**
   * Inserts chunks of a source with the index's next keys, and reserves those
   * keys; records the source's key range (see migration 10), anew when `fresh`.
   */
  const insertChunks = (
    index: KnowledgeIndexRow,
    sourceId: string,
    chunks: ChunkInput[],
    fresh: boolean,
  ): void => {
    if (index.next_chunk + chunks.length > chunksPerIndex) throw keysExhausted(index.agent_id);
    let key = chunkKeyRange(index.key).first + index.next_chunk;
    for (const [position, chunk] of chunks.entries()) {
      const metadata = toJsonText(
        chunk.metadata as Record<string, JsonValue>,
        `chunks[${position}].metadata`,
      );
      insertChunk.run(
        key,
        newId(),
        sourceId,
        chunk.ordinal,
        chunk.title,
        chunk.text,
        chunk.location,
        metadata,
      );
      insertVectorSlot.run(key);
      key += 1;
    }
    reserveKeys.run(chunks.length, index.key);
    const start = chunkKeyRange(index.key).first + index.next_chunk;
    if (fresh) setKeys.run(chunks.length ? start : null, chunks.length ? key - 1 : null, sourceId);
    else if (chunks.length) extendKeys.run({ start, end: key - 1, id: sourceId });
  };

  const appendChunks = db.transaction((input: Parameters<Knowledge["appendChunks"]>[0]) => {
    const index = indexOf.get(input.tenantId, input.agentId);
    const source = index && ownSource.get(input.sourceId, input.tenantId, input.agentId);
    if (!index || !source) throw new NotFoundError("knowledge source", input.sourceId);
    insertChunks(index, source.id, input.chunks, false);
    return toSource(growSource.get(input.chunks.length, input.contentHash ?? null, nowIso(), source.id)!);
  });

  const putVectors = db.transaction(
    (...[tenantId, agentId, model, items]: Parameters<Knowledge["putVectors"]>) => {
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
      const index = indexOf.get(tenantId, agentId);
      if (!index) throw chunkNotFound(items[0]!.chunkId);
      vectors.assertModel(index, model, dimension);
      const { first, last } = chunkKeyRange(index.key);
      const keyed = items.map(({ chunkId, vector }) => {
        const key = chunkKeyOf.get(chunkId, first, last);
        if (key === undefined) throw chunkNotFound(chunkId);
        return { key, vector };
      });
      vectors.putAll(index.key, keyed);
    },
  );

  const staging = createSqliteStaging(db, {
    ensureIndex,
    insertChunks,
    keysExhausted,
    changed(tenantId, agentId, hidden) {
      forgetIndex(tenantId, agentId);
      if (hidden) loadHits.forgetAll();
    },
  });

  return {
    ...staging,
    putSource(input) {
      try {
        return putSource.immediate(input);
      } finally {
        forgetIndex(input.tenantId, input.agentId);
      }
    },
    appendChunks(input) {
      try {
        return appendChunks.immediate(input);
      } finally {
        forgetIndex(input.tenantId, input.agentId);
      }
    },
    getSource: (tenantId, agentId, uri) => {
      const row = sourceByUri.get(tenantId, agentId, uri);
      return row && toSource(row);
    },
    listSources: (tenantId, agentId) => sourcesOf.all(tenantId, agentId).map(toSource),
    removeSource(tenantId, id) {
      if (removeSource.run(tenantId, id).changes === 0) throw new NotFoundError("knowledge source", id);
      textSearch.forgetAll();
    },
    getChunks: (tenantId, ids) =>
      ids.length === 0 ? [] : chunksByIds.all(JSON.stringify(ids), tenantId).map(toChunk),
    listChunks(tenantId, agentId, { limit, after }) {
      assertLimit(limit, maxPendingLimit);
      const index = indexOf.get(tenantId, agentId);
      if (!index) {
        if (after !== undefined) throw new NotFoundError("chunk", after);
        return [];
      }
      const { first, last } = chunkKeyRange(index.key);
      let from = first;
      if (after !== undefined) {
        const key = chunkKeyOf.get(after, first, last);
        if (key === undefined) throw new NotFoundError("chunk", after);
        from = key + 1;
      }
      return everyChunk.all(from, last, limit).map(toChunk);
    },
    chunksWithoutVectors(tenantId, agentId, model, limit) {
      assertLimit(limit, maxPendingLimit);
      const index = indexOf.get(tenantId, agentId);
      if (!index) return [];
      const { first, last } = chunkKeyRange(index.key);
      // Vectors from another model do not count: every chunk still needs one for `model`.
      const otherModel = index.embedding_model !== null && index.embedding_model !== model;
      const rows =
        otherModel && vectors.hasVectors(index.key)
          ? everyChunk.all(first, last, limit)
          : pending.all(first, last, limit);
      return rows.map(toChunk);
    },
    putVectors: (tenantId, agentId, model, items) => putVectors.immediate(tenantId, agentId, model, items),
    searchText(tenantId, agentId, query, limit) {
      assertLimit(limit, maxSearchLimit);
      const index = indexOf.get(tenantId, agentId);
      if (!index || typeof query !== "string") return [];
      return loadHits(tenantId, agentId, hidden.searchText(index, query, limit), limit);
    },
    searchVector(tenantId, agentId, vector, limit) {
      assertLimit(limit, maxSearchLimit);
      assertVector(vector, ["vector"]);
      const index = indexOf.get(tenantId, agentId);
      if (!index || index.embedding_dimension === null) return [];
      if (vector.length !== index.embedding_dimension) {
        const expected = `${index.embedding_model} (${index.embedding_dimension} dimensions)`;
        throw vectorMismatch(expected, `a query vector of ${vector.length} dimensions`, ["vector"]);
      }
      // A retired version's vectors may rank first until purged: ask for as many more, load the live — at most
      // `maxSearchLimit`, so that a large retired version costs a visitor's turn no more than the largest search.
      const wanted = Math.min(limit + hidden.retiredChunks(tenantId, agentId), maxSearchLimit);
      const ranked = vectors.search(index.key, vector, Math.max(limit, wanted));
      return loadHits(tenantId, agentId, ranked, limit);
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

function keysExhausted(agentId: string): StoreError {
  return new StoreError("check", `agent ${agentId} has used all ${chunksPerIndex} chunk keys of its index`, {
    hint: "Create a new agent and add its sources there: an agent's index holds 2^27 chunks over its life, replaced ones included.",
  });
}
