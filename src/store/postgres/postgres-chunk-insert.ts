/**
 * Inserts a source's chunks in one statement: each indexed in its language
 * (detect-text-language.ts) under that language's configuration, the title
 * weighted A and the text D, with its word count (BM25's document length)
 * and its empty vector slot. The statement triggers of migration 2 add the
 * chunks' lexemes to the agent's document frequencies in the same transaction.
 */
import type { JsonValue } from "../../spec/json.js";
import type { ChunkInput } from "../../spec/knowledge.js";
import { newId } from "../ids.js";
import { detectTextLanguage } from "./detect-text-language.js";
import type { Sql } from "./postgres-sql.js";
import { toJsonText } from "./postgres-values.js";

const configOf =
  "CASE c.language WHEN 'es' THEN 'alambique_es' WHEN 'en' THEN 'alambique_en' ELSE 'alambique_simple' END::regconfig";

export async function insertChunks(
  tx: Sql,
  indexKey: number,
  sourceId: string,
  chunks: ChunkInput[],
  /** The chunks' ids (`store copy` keeps them); default new ones. */
  ids?: readonly string[],
): Promise<void> {
  if (chunks.length === 0) return;
  const metadata = chunks.map((chunk, i) =>
    toJsonText(chunk.metadata as Record<string, JsonValue>, `chunks[${i}].metadata`),
  );
  await tx.query(
    `WITH c AS (
       SELECT * FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         WITH ORDINALITY AS c(id, ordinal, title, text, location, metadata, language, position)),
     indexed AS (
       SELECT c.*, setweight(to_tsvector(${configOf}, coalesce(c.title, '')), 'A')
         || setweight(to_tsvector(${configOf}, c.text), 'D') AS tsv FROM c),
     inserted AS (
       INSERT INTO chunks (id, index_key, source_id, ordinal, title, text, location, metadata, language, words, tsv)
       SELECT id, $1, $2, ordinal, title, text, location, metadata::json, language,
         (SELECT coalesce(sum(array_length(u.positions, 1)), 0) FROM unnest(tsv) AS u), tsv
       FROM indexed ORDER BY position
       RETURNING key)
     INSERT INTO chunk_vectors (chunk_key, index_key) SELECT key, $1 FROM inserted`,
    [
      indexKey,
      sourceId,
      ids ?? chunks.map(() => newId()),
      chunks.map((c) => c.ordinal),
      chunks.map((c) => c.title),
      chunks.map((c) => c.text),
      chunks.map((c) => c.location),
      metadata,
      chunks.map((c) => detectTextLanguage(c.title, c.text)),
    ],
  );
}
