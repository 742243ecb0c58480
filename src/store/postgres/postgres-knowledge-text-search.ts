/**
 * BM25 over one agent's chunks on PostgreSQL, scored as FTS5's bm25() scores
 * (k1 = 1.2, b = 0.75, idf = ln((N − df + 0.5) / (df + 0.5)), a title word
 * counting twice), with bounded work.
 *
 * PostgreSQL's ts_rank has no document frequencies, so it cannot tell `de`
 * from `centeno`; the schema keeps them instead (`knowledge_terms`, per agent
 * and lexeme, and the chunk and word totals in `knowledge_indexes`).
 *
 * 1. The customer's words (extracted as for FTS5: fts5-query.ts, never raw
 *    text) become lexemes under each configuration (Spanish, English,
 *    simple), all folded by `unaccent`; their document frequencies are read.
 *    Lexemes in no chunk are dropped.
 * 2. Candidates: the chunks holding any of the rarest lexemes whose
 *    frequencies add up to at most `scoredRowBudget` (the GIN index on
 *    (index_key, tsv) finds them); when even the rarest is more frequent, its
 *    first `scoredRowBudget` chunks.
 * 3. Each candidate is scored by BM25 over every lexeme of the query, from
 *    the positions in its tsvector, and the best `limit` are returned.
 *
 * Very common words weigh almost nothing in BM25 (idf near zero); leaving them
 * out of the candidate search is what bounds the work, as on SQLite.
 */
import { searchTerms } from "../sqlite/fts5-query.js";
import type { KnowledgeIndexRow, RankedKey } from "./postgres-knowledge-rows.js";
import type { Sql } from "./postgres-sql.js";

/** At most about this many chunks are scored per query. */
export const scoredRowBudget = 4_000;
const k1 = 1.2;
const b = 0.75;

interface TermRow {
  lexeme: string;
  chunks: number;
}

export async function searchTextBm25(
  sql: Sql,
  index: KnowledgeIndexRow,
  query: string,
  limit: number,
  budget = scoredRowBudget,
): Promise<RankedKey[]> {
  const words = searchTerms(query);
  const total = Number(index.chunk_count);
  if (words.length === 0 || total === 0) return [];
  // Each lexeme is looked up in the primary key (LIMIT 1 keeps the lateral join a nested loop of index
  // lookups): a plain join let the planner hash every term of the agent, thousands of rows per query,
  // whenever the table's statistics were missing or stale (as after an ingest, until autovacuum runs).
  const terms = await sql.query<TermRow>(
    `WITH lexemes AS (
       SELECT DISTINCT u.lexeme FROM unnest($2::text[]) AS w(word),
         unnest(ARRAY['alambique_es', 'alambique_en', 'alambique_simple']::regconfig[]) AS cfg,
         unnest(to_tsvector(cfg, w.word)) AS u)
     SELECT l.lexeme, t.chunks FROM lexemes l CROSS JOIN LATERAL (
       SELECT k.chunks FROM knowledge_terms k
       WHERE k.index_key = $1 AND k.lexeme = l.lexeme AND k.chunks > 0 LIMIT 1) AS t
     ORDER BY t.chunks, l.lexeme`,
    [index.key, words],
  );
  if (terms.length === 0) return [];
  const chosen: string[] = [];
  let sum = 0;
  for (const term of terms) {
    if (sum + term.chunks > budget) break;
    chosen.push(term.lexeme);
    sum += term.chunks;
  }
  if (chosen.length === 0) chosen.push(terms[0]!.lexeme);
  const idf = terms.map(({ chunks }) => Math.max(1e-6, Math.log((total - chunks + 0.5) / (chunks + 0.5))));
  const averageWords = Math.max(1, Number(index.total_words) / total);
  const rows = await sql.query<{ key: string; score: number }>(
    `WITH q AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS q(lexeme, idf)),
     cand AS MATERIALIZED (
       SELECT key, tsv, words FROM chunks WHERE index_key = $1 AND tsv @@ $4::tsquery LIMIT $5)
     SELECT cand.key, sum(q.idf * t.tf * ${k1 + 1} / (t.tf + ${k1} * (${1 - b} + ${b} * cand.words / $6))) AS score
     FROM cand CROSS JOIN LATERAL (
         -- Only the query's lexemes, without unnesting the whole tsvector: setweight marks them B
         -- within the title's (A) and the text's (D) positions, ts_filter keeps the marked ones.
         SELECT f.lexeme, sum(f.n)::float8 AS tf FROM (
           SELECT u.lexeme, 2 * cardinality(u.positions) AS n
             FROM unnest(ts_filter(setweight(ts_filter(cand.tsv, '{a}'), 'b', $2::text[]), '{b}')) AS u
           UNION ALL
           SELECT u.lexeme, cardinality(u.positions)
             FROM unnest(ts_filter(setweight(ts_filter(cand.tsv, '{d}'), 'b', $2::text[]), '{b}')) AS u
         ) AS f GROUP BY f.lexeme) AS t
       JOIN q ON q.lexeme = t.lexeme
     GROUP BY cand.key
     ORDER BY score DESC, cand.key
     LIMIT $7`,
    [
      index.key,
      terms.map((t) => t.lexeme),
      idf,
      chosen.map(tsqueryLexeme).join(" | "),
      budget,
      averageWords,
      limit,
    ],
  );
  return rows.map((row) => ({ key: Number(row.key), score: row.score }));
}

/** A lexeme as a tsquery operand: quoted, so never an operator, and not stemmed again. */
function tsqueryLexeme(lexeme: string): string {
  return `'${lexeme.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}
