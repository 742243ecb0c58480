/**
 * The SQLite schema as forward-only, numbered migrations. Never edit a
 * migration that has shipped: add the next one. Versions run 1, 2, 3… with no
 * gaps; the newest version is written to `PRAGMA user_version` so that an
 * older Alambique can refuse a newer file without reading any table.
 *
 * Conventions: STRICT tables; times are ISO-8601 UTC text; JSON columns carry
 * `CHECK (json_valid(...))`; booleans are INTEGER 0/1; a removal takes its
 * children with it (ON DELETE CASCADE) where the contract says so.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `PRAGMA application_id` of an Alambique store ("Alq1"), so foreign SQLite files are recognised. */
export const alambiqueApplicationId = 0x416c7131;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE
    CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
  scopes TEXT NOT NULL CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
) STRICT;
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);

CREATE TABLE models (
  name TEXT PRIMARY KEY CHECK (length(name) > 0),
  source TEXT NOT NULL CHECK (length(source) > 0),
  architecture TEXT,
  parameter_count INTEGER CHECK (parameter_count >= 0),
  quantization TEXT,
  context_length INTEGER CHECK (context_length > 0),
  license_id TEXT,
  license_url TEXT,
  weights_openness TEXT CHECK (weights_openness IN ('open', 'gated', 'closed')),
  data_openness TEXT CHECK (data_openness IN ('open', 'gated', 'closed')),
  code_openness TEXT CHECK (code_openness IN ('open', 'gated', 'closed')),
  outputs_may_train INTEGER CHECK (outputs_may_train IN (0, 1)),
  metadata TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  spec TEXT NOT NULL CHECK (json_valid(spec) AND json_type(spec) = 'object'),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name),
  -- The parent key of conversations' (tenant_id, agent_id): an agent is only
  -- reachable from conversations of its own tenant.
  UNIQUE (tenant_id, id)
) STRICT;

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  external_user_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('bot', 'waiting_human', 'human', 'closed')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX conversations_by_agent ON conversations (tenant_id, agent_id, status);
CREATE INDEX conversations_by_status ON conversations (tenant_id, status);
-- findOpen: the newest conversation of one customer with one agent that is not closed.
CREATE INDEX conversations_open ON conversations (tenant_id, agent_id, external_user_id, created_at)
  WHERE status <> 'closed';

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq > 0),
  role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool', 'human')),
  content TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at TEXT NOT NULL,
  UNIQUE (conversation_id, seq)
) STRICT;

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (length(kind) > 0),
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled')),
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  checkpoint TEXT NOT NULL CHECK (json_valid(checkpoint)),
  progress REAL NOT NULL CHECK (progress BETWEEN 0 AND 1),
  error TEXT,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  lease_owner TEXT,
  lease_expires_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- A job is running exactly while someone holds its lease.
  CHECK ((status = 'running') = (lease_owner IS NOT NULL)),
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
) STRICT;
CREATE INDEX jobs_by_tenant ON jobs (tenant_id);
CREATE INDEX jobs_by_status ON jobs (status, kind);
-- claim: the oldest queued job of some kinds, or a running one whose lease expired.
CREATE INDEX jobs_queued ON jobs (kind, created_at, id) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'running';

PRAGMA application_id = ${alambiqueApplicationId};
`,
  },
  {
    version: 2,
    name: "knowledge and tickets",
    sql: `
-- One row per agent that has knowledge. key (AUTOINCREMENT: never given to
-- another agent) places the agent's chunks in their own block of chunk keys,
-- key * 2^27 + n for n = next_chunk, next_chunk + 1, …, so that FTS5 and
-- every chunk query confine themselves to an agent with a rowid range. All
-- vectors of an agent come from one embedding model and dimension, kept here.
CREATE TABLE knowledge_indexes (
  key INTEGER PRIMARY KEY AUTOINCREMENT CHECK (key < 67108864),
  tenant_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  next_chunk INTEGER NOT NULL DEFAULT 0 CHECK (next_chunk BETWEEN 0 AND 134217728),
  embedding_model TEXT CHECK (length(embedding_model) > 0),
  embedding_dimension INTEGER CHECK (embedding_dimension BETWEEN 1 AND 8192),
  CHECK ((embedding_model IS NULL) = (embedding_dimension IS NULL)),
  -- Not agent_id alone: that would report another tenant's agent as a duplicate, not a foreign key.
  UNIQUE (tenant_id, agent_id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE knowledge_sources (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  uri TEXT NOT NULL CHECK (length(uri) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('markdown', 'text', 'html', 'pdf', 'csv', 'json')),
  content_hash TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (agent_id, uri),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;

-- key: in the agent's block (see knowledge_indexes), the rowid of FTS5 and vec0; id: the contract's id.
CREATE TABLE chunks (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source_id TEXT NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  title TEXT,
  text TEXT NOT NULL,
  location TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  UNIQUE (source_id, ordinal)
) STRICT;

-- BM25 over title and text. External content: the text lives once, in chunks,
-- and 'rebuild' and integrity_check can compare the index with it. The
-- triggers keep it in sync on every path that removes chunks (putSource's
-- replacement, removeSource, the cascades from agents and tenants), in the
-- same transaction.
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  title, text,
  content = 'chunks', content_rowid = 'key',
  tokenize = 'unicode61 remove_diacritics 2'
);
-- ORDER BY rank: a word in the title (a heading, a question) counts twice.
INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, title, text) VALUES (new.key, new.title, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, title, text) VALUES ('delete', old.key, old.title, old.text);
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF title, text ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, title, text) VALUES ('delete', old.key, old.title, old.text);
  INSERT INTO chunks_fts (rowid, title, text) VALUES (new.key, new.title, new.text);
END;

-- The cells that split an agent's vectors for search (sqlite-knowledge-vectors.ts):
-- each has a centroid (in the vec0 table knowledge_centroids_<bits>) and a size.
CREATE TABLE knowledge_cells (
  cell INTEGER PRIMARY KEY AUTOINCREMENT,
  index_key INTEGER NOT NULL REFERENCES knowledge_indexes (key) ON DELETE CASCADE,
  size INTEGER NOT NULL CHECK (size >= 0)
) STRICT;
CREATE INDEX knowledge_cells_by_index ON knowledge_cells (index_key);

-- One row per chunk, made with it. embedding (float32, the platform's byte
-- order: little-endian everywhere Alambique runs) and cell are NULL until
-- putVectors fills them. The binary-quantised copy searched first lives in
-- the vec0 table knowledge_bits_<bits>, partitioned by cell; both vec0 tables
-- are created by the first vectors of their width, each with a trigger that
-- deletes its rows with these.
CREATE TABLE chunk_vectors (
  chunk_key INTEGER PRIMARY KEY REFERENCES chunks (key) ON DELETE CASCADE,
  cell INTEGER,
  embedding BLOB CHECK (length(embedding) > 0 AND length(embedding) % 4 = 0),
  CHECK ((cell IS NULL) = (embedding IS NULL))
) STRICT;
CREATE INDEX chunk_vectors_pending ON chunk_vectors (chunk_key) WHERE embedding IS NULL;
CREATE INDEX chunk_vectors_by_cell ON chunk_vectors (cell) WHERE cell IS NOT NULL;
CREATE TRIGGER chunk_vectors_cell_size AFTER DELETE ON chunk_vectors WHEN old.cell IS NOT NULL BEGIN
  UPDATE knowledge_cells SET size = size - 1 WHERE cell = old.cell;
END;

-- The parent key of tickets' (tenant_id, agent_id, conversation_id): a ticket
-- may only point at a conversation of its own tenant and agent.
CREATE UNIQUE INDEX conversations_scoped ON conversations (tenant_id, agent_id, id);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  conversation_id TEXT,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  metadata TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE,
  -- Not enforced while conversation_id is NULL. Conversations go only with their agent.
  FOREIGN KEY (tenant_id, agent_id, conversation_id)
    REFERENCES conversations (tenant_id, agent_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX tickets_by_agent ON tickets (tenant_id, agent_id, conversation_id);
CREATE INDEX tickets_by_status ON tickets (tenant_id, status);
`,
  },
  {
    version: 3,
    name: "synthetic data and datasets",
    sql: `
-- The plan of a synthetic-data job: its tasks in order, written once.
CREATE TABLE synth_tasks (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  key TEXT NOT NULL CHECK (length(key) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('qa', 'conversation', 'real')),
  cell TEXT NOT NULL CHECK (json_valid(cell) AND json_type(cell) = 'object'),
  PRIMARY KEY (job_id, ordinal),
  UNIQUE (job_id, key)
) STRICT;

-- One row per planned task once it is done, kept (dropped IS NULL) or dropped
-- with a reason. (job_id, key) is unique: a resumed worker cannot write a row
-- twice. dropped, language, intent and the token counts copy the row's JSON
-- for counting; judge tokens are only here.
CREATE TABLE synth_rows (
  job_id TEXT NOT NULL,
  key TEXT NOT NULL,
  dropped TEXT CHECK (length(dropped) > 0),
  language TEXT NOT NULL,
  intent TEXT NOT NULL,
  input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
  output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
  judge_input_tokens INTEGER NOT NULL CHECK (judge_input_tokens >= 0),
  judge_output_tokens INTEGER NOT NULL CHECK (judge_output_tokens >= 0),
  row TEXT NOT NULL CHECK (json_valid(row) AND json_type(row) = 'object'),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (job_id, key),
  FOREIGN KEY (job_id, key) REFERENCES synth_tasks (job_id, key) ON DELETE CASCADE
) STRICT;
CREATE INDEX synth_rows_by_drop ON synth_rows (job_id, dropped);

CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL
    CHECK (length(name) BETWEEN 1 AND 64 AND name GLOB '[a-z0-9]*' AND name NOT GLOB '*[^a-z0-9._-]*'),
  version INTEGER NOT NULL CHECK (version >= 1),
  job_id TEXT REFERENCES jobs (id) ON DELETE SET NULL,
  card TEXT NOT NULL CHECK (json_valid(card) AND json_type(card) = 'object'),
  row_count INTEGER NOT NULL CHECK (row_count >= 0),
  train_rows INTEGER NOT NULL CHECK (train_rows >= 0),
  validation_rows INTEGER NOT NULL CHECK (validation_rows >= 0),
  test_rows INTEGER NOT NULL CHECK (test_rows >= 0),
  frozen_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name, version)
) STRICT;

CREATE TABLE dataset_rows (
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  key TEXT NOT NULL CHECK (length(key) > 0),
  intent TEXT NOT NULL,
  language TEXT NOT NULL,
  row TEXT NOT NULL CHECK (json_valid(row) AND json_type(row) = 'object'),
  PRIMARY KEY (dataset_id, ordinal),
  UNIQUE (dataset_id, key)
) STRICT;
CREATE INDEX dataset_rows_by_split ON dataset_rows (dataset_id, split, ordinal);

-- A frozen dataset never changes, whatever code tries. Only job_id may still
-- change (set to NULL when its job goes), and rows may still be deleted with
-- the dataset (its tenant removed).
CREATE TRIGGER datasets_frozen BEFORE UPDATE OF name, version, card, row_count, train_rows,
  validation_rows, test_rows, frozen_at, tenant_id ON datasets
  WHEN old.frozen_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'the dataset is frozen');
END;
CREATE TRIGGER dataset_rows_frozen_insert BEFORE INSERT ON dataset_rows
  WHEN (SELECT frozen_at FROM datasets WHERE id = new.dataset_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'the dataset is frozen');
END;
CREATE TRIGGER dataset_rows_frozen_update BEFORE UPDATE ON dataset_rows
  WHEN (SELECT frozen_at FROM datasets WHERE id = old.dataset_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'the dataset is frozen');
END;
`,
  },
  {
    version: 4,
    name: "token usage per tenant and day",
    sql: `
CREATE TABLE tenant_usage (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  tokens INTEGER NOT NULL CHECK (tokens >= 0),
  PRIMARY KEY (tenant_id, day)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 5,
    name: "server secrets",
    sql: `
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  secret BLOB NOT NULL CHECK (length(secret) BETWEEN 16 AND 1024),
  created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 6,
    name: "customer feedback on answers",
    sql: `
ALTER TABLE messages ADD COLUMN feedback TEXT CHECK (feedback IN ('up', 'down'));
`,
  },
  {
    version: 7,
    name: "evaluation scorecards and promotions",
    sql: `
-- One row per finished task of an evaluation job (a replayed turn), written
-- once: a resumed worker skips the keys already here.
CREATE TABLE eval_results (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  key TEXT NOT NULL CHECK (length(key) > 0),
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  result TEXT NOT NULL CHECK (json_valid(result) AND json_type(result) = 'object'),
  created_at TEXT NOT NULL,
  PRIMARY KEY (job_id, key)
) STRICT;
CREATE INDEX eval_results_by_ordinal ON eval_results (job_id, ordinal);

-- Scorecards, numbered per (agent, candidate), with the inputs they were made
-- from. A scorecard never changes: only job_id and dataset_id may become NULL
-- when what they name is removed.
CREATE TABLE eval_scorecards (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  job_id TEXT REFERENCES jobs (id) ON DELETE SET NULL,
  candidate TEXT NOT NULL CHECK (length(candidate) > 0),
  reference TEXT NOT NULL CHECK (length(reference) > 0),
  judge TEXT NOT NULL CHECK (length(judge) > 0),
  dataset_id TEXT REFERENCES datasets (id) ON DELETE SET NULL,
  dataset_hash TEXT NOT NULL CHECK (length(dataset_hash) > 0),
  seed INTEGER NOT NULL,
  gate_passed INTEGER NOT NULL CHECK (gate_passed IN (0, 1)),
  scorecard TEXT NOT NULL CHECK (json_valid(scorecard) AND json_type(scorecard) = 'object'),
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, candidate, version),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE TRIGGER eval_scorecards_immutable BEFORE UPDATE OF id, tenant_id, agent_id, version, candidate,
  reference, judge, dataset_hash, seed, gate_passed, scorecard, created_at ON eval_scorecards
BEGIN
  SELECT RAISE(ABORT, 'a scorecard never changes');
END;

-- An agent's model history: every promotion and rollback, in order.
CREATE TABLE agent_promotions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
  model TEXT CHECK (length(model) > 0),
  previous_model TEXT CHECK (length(previous_model) > 0),
  scorecard_id TEXT REFERENCES eval_scorecards (id) ON DELETE SET NULL,
  forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
  why TEXT,
  actor TEXT NOT NULL CHECK (length(actor) > 0),
  reverts_id TEXT REFERENCES agent_promotions (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, seq),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;
`,
  },
  {
    version: 8,
    name: "channels with their inbound and outbound queues",
    sql: `
-- An agent's channels (one per kind); secrets sealed by the channels layer.
CREATE TABLE channels (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  settings TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
  sealed_secrets BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (agent_id, kind),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;

-- Webhook events, one per (channel, provider message id): a redelivery finds its row.
CREATE TABLE channel_inbound (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  provider_message_id TEXT NOT NULL CHECK (length(provider_message_id) BETWEEN 1 AND 256),
  payload TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
  status TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  lease_until TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (channel_id, provider_message_id)
) STRICT;
CREATE INDEX channel_inbound_queued ON channel_inbound (status, created_at);

-- Messages to send, one per (channel, idempotency key).
CREATE TABLE channel_outbound (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 256),
  payload TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL,
  error TEXT,
  provider_message_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (channel_id, idempotency_key)
) STRICT;
CREATE INDEX channel_outbound_due ON channel_outbound (status, next_attempt_at);
`,
  },
  {
    version: 9,
    name: "agent spec versions",
    sql: `
-- Every saved spec of an agent, numbered 1, 2, 3… per agent; written in the
-- transaction of each save. An agent saved before this migration starts with
-- its current spec as version 1.
CREATE TABLE agent_versions (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  spec TEXT NOT NULL CHECK (json_valid(spec) AND json_type(spec) = 'object'),
  saved_at TEXT NOT NULL,
  saved_by TEXT,
  PRIMARY KEY (agent_id, version),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
) STRICT;
INSERT INTO agent_versions (tenant_id, agent_id, version, spec, saved_at, saved_by)
  SELECT tenant_id, id, 1, spec, updated_at, NULL FROM agents;
`,
  },
  {
    version: 10,
    name: "staged knowledge sources",
    sql: `
-- A source is written hidden ('staged', in short transactions) and swapped in
-- ('live') in one; the version it replaces becomes 'retired' and its chunks
-- are removed in batches (src/knowledge/write-source.ts). Only 'live' rows and
-- their chunks are ever read. A hidden row's uri is 'hidden:' || id (the
-- unique (agent_id, uri) is the live ones'), the uri it stands for in hidden_uri.
ALTER TABLE knowledge_sources ADD COLUMN state TEXT NOT NULL DEFAULT 'live'
  CHECK (state IN ('live', 'staged', 'retired'));
ALTER TABLE knowledge_sources ADD COLUMN hidden_uri TEXT CHECK ((state = 'live') = (hidden_uri IS NULL));
CREATE INDEX knowledge_sources_hidden ON knowledge_sources (tenant_id, agent_id) WHERE state <> 'live';
-- The range of the source's chunk keys when no other source's key is inside it
-- (else NULL): a search drops a hidden source's hits by range, without a
-- lookup per key (sqlite-knowledge.ts). SQLite only: not copied by store copy.
ALTER TABLE knowledge_sources ADD COLUMN key_first INTEGER;
ALTER TABLE knowledge_sources ADD COLUMN key_last INTEGER;
`,
  },
  {
    version: 11,
    name: "queued knowledge uploads",
    sql: `
-- The files of queued knowledge uploads, read by the worker (on any machine)
-- that ingests them; removed when their job ends. Bounded per tenant by the
-- repository (src/store/sqlite/sqlite-upload-blobs.ts).
CREATE TABLE upload_blobs (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  upload_id TEXT NOT NULL CHECK (length(upload_id) > 0),
  job_id TEXT REFERENCES jobs (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 1000),
  bytes INTEGER NOT NULL CHECK (bytes = length(data)),
  data BLOB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, upload_id, name)
) STRICT;
-- A job's files in the order they were put: by rowid.
CREATE INDEX upload_blobs_by_job ON upload_blobs (tenant_id, job_id);
`,
  },
];

/** The schema version this code writes and understands. */
export const latestSchemaVersion: number = migrations.at(-1)?.version ?? 0;
