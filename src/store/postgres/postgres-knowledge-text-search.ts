/**
 * BM25 over one agent's chunks on PostgreSQL, scored as FTS5's bm25() scores
 * (k1 = 1.2, b = 0.75, idf = ln((N − df + 0.5) / (df + 0.5)), a title word
 * counting twice), with bounded work — in one statement, one round trip.
 *
 * PostgreSQL's ts_rank has no document frequencies, so it cannot tell `de`
 * from `centeno`; the schema keeps them instead (`knowledge_terms`, per agent
 * and lexeme, and the chunk and word totals in `knowledge_indexes`).
 *
 * 1. The agent's index row (none, or no chunks: no rows).
 * 2. The customer's words (extracted as for FTS5: fts5-query.ts, never raw
 *    text) become lexemes under each configuration (Spanish, English,
 *    simple), all folded by `unaccent`; their document frequencies are read.
 *    Lexemes in no chunk are dropped.
 * 3. Candidates: the chunks holding any of the rarest lexemes whose
 *    frequencies add up to at most `scoredRowBudget` (the GIN index on
 *    (index_key, tsv) finds them); when even the rarest is more frequent, its
 *    first `scoredRowBudget` chunks.
 * 4. Each candidate is scored by BM25 over every lexeme of the query, from
 *    the positions in its tsvector; the best `limit` are returned with their
 *    chunk and source, each checked again against the tenant and agent.
 *
 * Very common words weigh almost nothing in BM25 (idf near zero); leaving them
 * out of the candidate search is what bounds the work, as on SQLite.
 *
 * Why one statement: these were four round trips (index, lexemes, scoring,
 * chunks), and on a retrieval-mode turn node-pg's work around each round trip
 * cost more CPU than the queries themselves (README, "Where a PostgreSQL
 * turn's time went"). The CTEs keep the steps' plans: each lexeme is looked up
 * in knowledge_terms' primary key (LIMIT 1 keeps the lateral join a nested
 * loop of index lookups: a plain join let the planner hash every term of the
 * agent whenever statistics were missing, as after an ingest), and the index
 * key and the tsquery reach the candidates' scan as one-row subqueries
 * (InitPlans), which the GIN index takes as run-time keys. It is a prepared
 * statement, planned once per connection: on the demo agent planning it took
 * 0.7 ms against 1.0–1.3 ms to run it (EXPLAIN ANALYZE), and unprepared it
 * took PostgreSQL's planning per turn from 2.6 to 7.1 ms in
 * bench/scale-profile.ts; the values that shape its work are only known
 * while it runs anyway.
 */
import type { ChunkHit, SourceKind } from "../../spec/knowledge.js";
import { searchTerms } from "../sqlite/fts5-query.js";
import { type ChunkRow, chunkColumns, toChunk } from "./postgres-knowledge-rows.js";
import type { Sql } from "./postgres-sql.js";

/** At most about this many chunks are scored per query. */
export const scoredRowBudget = 4_000;
const k1 = 1.2;
const b = 0.75;

const searchStatement = `WITH idx AS MATERIALIZED (
    SELECT key, chunk_count::float8 AS n, greatest(1, total_words::float8 / chunk_count) AS average_words
    FROM knowledge_indexes WHERE tenant_id = $1 AND agent_id = $2 AND chunk_count > 0),
  lexemes AS (
    SELECT DISTINCT u.lexeme FROM unnest($3::text[]) AS w(word),
      unnest(ARRAY['alambique_es', 'alambique_en', 'alambique_simple']::regconfig[]) AS cfg,
      unnest(to_tsvector(cfg, w.word)) AS u),
  terms AS MATERIALIZED (
    SELECT l.lexeme,
      greatest(1e-6::float8, ln((idx.n - t.chunks + 0.5) / (t.chunks + 0.5))) AS idf,
      sum(t.chunks) OVER (ORDER BY t.chunks, l.lexeme) AS running,
      row_number() OVER (ORDER BY t.chunks, l.lexeme) AS rank
    FROM idx CROSS JOIN lexemes l CROSS JOIN LATERAL (
      SELECT k.chunks FROM knowledge_terms k
      WHERE k.index_key = idx.key AND k.lexeme = l.lexeme AND k.chunks > 0 LIMIT 1) AS t),
  wanted AS MATERIALIZED (
    SELECT array_agg(lexeme) AS lexemes,
      string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')
        FILTER (WHERE running <= $5 OR rank = 1)::tsquery AS query
    FROM terms),
  cand AS MATERIALIZED (
    SELECT c.key, c.tsv, c.words FROM chunks c
    WHERE c.index_key = (SELECT key FROM idx) AND c.tsv @@ (SELECT query FROM wanted) LIMIT $5),
  scored AS (
    SELECT cand.key,
      sum(terms.idf * t.tf * ${k1 + 1} / (t.tf + ${k1} * (${1 - b} + ${b} * cand.words / idx.average_words))) AS score
    FROM idx CROSS JOIN cand CROSS JOIN LATERAL (
        -- Only the query's lexemes, without unnesting the whole tsvector: setweight marks them B
        -- within the title's (A) and the text's (D) positions, ts_filter keeps the marked ones.
        SELECT f.lexeme, sum(f.n)::float8 AS tf FROM (
          SELECT u.lexeme, 2 * cardinality(u.positions) AS n
            FROM unnest(ts_filter(setweight(ts_filter(cand.tsv, '{a}'), 'b', (SELECT lexemes FROM wanted)), '{b}')) AS u
          UNION ALL
          SELECT u.lexeme, cardinality(u.positions)
            FROM unnest(ts_filter(setweight(ts_filter(cand.tsv, '{d}'), 'b', (SELECT lexemes FROM wanted)), '{b}')) AS u
        ) AS f GROUP BY f.lexeme) AS t
      JOIN terms ON terms.lexeme = t.lexeme
    GROUP BY cand.key
    ORDER BY score DESC, cand.key
    LIMIT $4),
  found AS (
    SELECT ${chunkColumns}, s.uri, s.kind, scored.score
    FROM scored JOIN chunks c ON c.key = scored.key JOIN knowledge_sources s ON s.id = c.source_id
    WHERE s.tenant_id = $1 AND s.agent_id = $2 AND s.state = 'live'),
  hidden AS (
    SELECT CASE WHEN (SELECT count(*) FROM found) < $4 THEN (
      SELECT coalesce(sum(h.chunk_count), 0)::int FROM knowledge_sources h
      WHERE h.tenant_id = $1 AND h.agent_id = $2 AND h.state <> 'live') ELSE 0 END AS hidden_chunks)
SELECT found.*, hidden.hidden_chunks FROM hidden LEFT JOIN found ON true
ORDER BY found.score DESC, found.key`;

/** What a search found, and the agent's hidden chunks (see `searchTextHits`). */
export interface LiveHits {
  hits: ChunkHit[];
  /**
   * Chunks of the agent's staged and retired sources, which may have taken
   * places among the candidates: counted only when fewer than `limit` live
   * hits came back, else 0 (postgres-knowledge.ts asks again only then).
   */
  hidden: number;
}

/**
 * The agent's best `limit` chunks for `query` by BM25, best first (ties by
 * ingest order). No index, no chunks, or no word of the query in any chunk:
 * none. `budget` bounds the chunks scored (see above). The count of hidden
 * chunks rides on the same statement (a one-row CTE left-joined to the hits,
 * its subquery run only when the hits are short): a short search was a second
 * round trip on about half the demo's turns.
 */
export async function searchTextHits(
  sql: Sql,
  tenantId: string,
  agentId: string,
  query: string,
  limit: number,
  budget = scoredRowBudget,
): Promise<LiveHits> {
  const words = searchTerms(query);
  if (words.length === 0) return { hits: [], hidden: 0 };
  // Without hits, one row of NULL chunk columns carrying `hidden_chunks`.
  const rows = await sql.query<
    ChunkRow & { uri: string; kind: SourceKind; score: number; hidden_chunks: number }
  >(searchStatement, [tenantId, agentId, words, limit, budget], "alambique_search_text");
  const hits = rows
    .filter((row) => row.id !== null)
    .map((row) => ({
      chunk: toChunk(row),
      source: { id: row.source_id, uri: row.uri, kind: row.kind },
      score: row.score,
    }));
  return { hits, hidden: rows[0]?.hidden_chunks ?? 0 };
}
