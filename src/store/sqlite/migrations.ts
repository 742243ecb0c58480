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
];

/** The schema version this code writes and understands. */
export const latestSchemaVersion: number = migrations.at(-1)?.version ?? 0;
