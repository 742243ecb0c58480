/**
 * Migration 2: the knowledge index.
 *
 * Text: each chunk is indexed in the language it is written in (`language`:
 * `es`, `en`, or `simple` for neither; chosen on insert by
 * detect-text-language.ts) with a text search configuration that folds
 * diacritics (`unaccent`) before stemming, the title weighted A and the text
 * D. `knowledge_terms` counts, per agent, the chunks holding each lexeme (and
 * `knowledge_indexes` the chunks and their words), kept by statement-level
 * triggers in the same transaction: the document frequencies and lengths BM25
 * needs, which PostgreSQL's own ts_rank does not use.
 *
 * Vectors: `chunk_vectors` has one row per chunk, made with it; `code` (the
 * sign bits) and `embedding` (float32, little-endian) stay NULL until
 * putVectors fills them. The embedding is stored out of line (TOAST), so the
 * Hamming scan over `code` reads narrow rows (postgres-knowledge-vectors.ts).
 */
export const v2Knowledge = `
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TEXT SEARCH CONFIGURATION alambique_es (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION alambique_es
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION alambique_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION alambique_en
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION alambique_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION alambique_simple
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;

-- One row per agent that has knowledge; all its vectors share one model and dimension.
CREATE TABLE knowledge_indexes (
  key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  agent_id text NOT NULL,
  chunk_count bigint NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
  total_words bigint NOT NULL DEFAULT 0 CHECK (total_words >= 0),
  embedding_model text CHECK (length(embedding_model) > 0),
  embedding_dimension integer CHECK (embedding_dimension BETWEEN 1 AND 8192),
  CHECK ((embedding_model IS NULL) = (embedding_dimension IS NULL)),
  UNIQUE (tenant_id, agent_id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE knowledge_sources (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  agent_id text NOT NULL,
  uri text NOT NULL CHECK (length(uri) > 0),
  kind text NOT NULL CHECK (kind IN ('markdown', 'text', 'html', 'pdf', 'csv', 'json')),
  content_hash text NOT NULL,
  bytes bigint NOT NULL CHECK (bytes >= 0),
  chunk_count integer NOT NULL CHECK (chunk_count >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (agent_id, uri),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX knowledge_sources_by_agent ON knowledge_sources (tenant_id, agent_id, created_at, id);

-- key: ingest order (a source's chunks together, in order); id: the contract's id.
CREATE TABLE chunks (
  key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  index_key bigint NOT NULL REFERENCES knowledge_indexes (key) ON DELETE CASCADE,
  source_id text NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  title text,
  text text NOT NULL,
  location text NOT NULL,
  metadata json NOT NULL CHECK (json_typeof(metadata) = 'object'),
  language text NOT NULL CHECK (language IN ('es', 'en', 'simple')),
  words integer NOT NULL CHECK (words >= 0),
  tsv tsvector NOT NULL,
  UNIQUE (source_id, ordinal)
);
CREATE INDEX chunks_by_index ON chunks (index_key, key);
CREATE INDEX chunks_search ON chunks USING gin (index_key, tsv);

CREATE TABLE knowledge_terms (
  index_key bigint NOT NULL REFERENCES knowledge_indexes (key) ON DELETE CASCADE,
  lexeme text NOT NULL,
  chunks integer NOT NULL CHECK (chunks >= 0),
  PRIMARY KEY (index_key, lexeme)
);

CREATE TABLE chunk_vectors (
  chunk_key bigint PRIMARY KEY REFERENCES chunks (key) ON DELETE CASCADE,
  index_key bigint NOT NULL,
  code bit varying,
  embedding bytea CHECK (length(embedding) > 0 AND length(embedding) % 4 = 0),
  CHECK ((code IS NULL) = (embedding IS NULL))
) WITH (toast_tuple_target = 128);
ALTER TABLE chunk_vectors ALTER COLUMN embedding SET STORAGE EXTERNAL;
CREATE INDEX chunk_vectors_pending ON chunk_vectors (index_key, chunk_key) WHERE code IS NULL;
CREATE INDEX chunk_vectors_present ON chunk_vectors (index_key) WHERE code IS NOT NULL;

CREATE FUNCTION alambique_chunks_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO knowledge_terms (index_key, lexeme, chunks)
    SELECT n.index_key, u.lexeme, count(*) FROM new_chunks n, unnest(n.tsv) u
    GROUP BY 1, 2
    ON CONFLICT (index_key, lexeme) DO UPDATE SET chunks = knowledge_terms.chunks + excluded.chunks;
  UPDATE knowledge_indexes i SET chunk_count = i.chunk_count + d.n, total_words = i.total_words + d.w
    FROM (SELECT index_key, count(*) AS n, sum(words) AS w FROM new_chunks GROUP BY 1) d
    WHERE i.key = d.index_key;
  RETURN NULL;
END $$;
CREATE TRIGGER chunks_inserted AFTER INSERT ON chunks REFERENCING NEW TABLE AS new_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION alambique_chunks_inserted();

CREATE FUNCTION alambique_chunks_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE knowledge_terms t SET chunks = t.chunks - d.n
    FROM (SELECT o.index_key, u.lexeme, count(*) AS n FROM old_chunks o, unnest(o.tsv) u GROUP BY 1, 2) d
    WHERE t.index_key = d.index_key AND t.lexeme = d.lexeme;
  DELETE FROM knowledge_terms t USING (SELECT DISTINCT index_key FROM old_chunks) d
    WHERE t.index_key = d.index_key AND t.chunks = 0;
  UPDATE knowledge_indexes i SET chunk_count = i.chunk_count - d.n, total_words = i.total_words - d.w
    FROM (SELECT index_key, count(*) AS n, sum(words) AS w FROM old_chunks GROUP BY 1) d
    WHERE i.key = d.index_key;
  RETURN NULL;
END $$;
CREATE TRIGGER chunks_deleted AFTER DELETE ON chunks REFERENCING OLD TABLE AS old_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION alambique_chunks_deleted();
`;
