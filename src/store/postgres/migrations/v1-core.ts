/**
 * Migration 1: tenants, keys, models, agents, conversations, messages, jobs,
 * tickets, usage and secrets. Conventions of every PostgreSQL migration:
 * times are `timestamptz`; JSON columns are `json` (the text kept as written,
 * so `\u0000` and lone surrogates round-trip, which `jsonb` refuses) with a
 * CHECK on their type; names compared or sorted as code units use COLLATE "C"
 * (what SQLite does), whatever the database's collation; a removal takes its
 * children with it (ON DELETE CASCADE) where the contract says so.
 */
export const v1Core = `
CREATE TABLE tenants (
  id text PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,64}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX tenants_by_creation ON tenants (created_at, id);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
  scopes json NOT NULL CHECK (json_typeof(scopes) = 'array'),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at, id);

CREATE TABLE models (
  name text COLLATE "C" PRIMARY KEY CHECK (length(name) > 0),
  source text NOT NULL CHECK (length(source) > 0),
  architecture text,
  parameter_count bigint CHECK (parameter_count >= 0),
  quantization text,
  context_length bigint CHECK (context_length > 0),
  license_id text,
  license_url text,
  weights_openness text CHECK (weights_openness IN ('open', 'gated', 'closed')),
  data_openness text CHECK (data_openness IN ('open', 'gated', 'closed')),
  code_openness text CHECK (code_openness IN ('open', 'gated', 'closed')),
  outputs_may_train boolean,
  metadata json NOT NULL CHECK (json_typeof(metadata) = 'object'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) > 0),
  spec json NOT NULL CHECK (json_typeof(spec) = 'object'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (tenant_id, name),
  -- The parent key of every (tenant_id, agent_id) reference: an agent is only reachable from its own tenant.
  UNIQUE (tenant_id, id)
);
CREATE INDEX agents_by_creation ON agents (tenant_id, created_at, id);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  external_user_id text COLLATE "C" NOT NULL,
  status text NOT NULL CHECK (status IN ('bot', 'waiting_human', 'human', 'closed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE,
  UNIQUE (tenant_id, agent_id, id)
);
CREATE INDEX conversations_by_creation ON conversations (tenant_id, created_at, id);
CREATE INDEX conversations_by_status ON conversations (tenant_id, status, created_at, id);
-- findOpen: the newest conversation of one customer with one agent that is not closed.
CREATE INDEX conversations_open ON conversations (tenant_id, agent_id, external_user_id, created_at)
  WHERE status <> 'closed';

CREATE TABLE messages (
  id text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool', 'human')),
  content text NOT NULL,
  metadata json NOT NULL CHECK (json_typeof(metadata) = 'object'),
  feedback text CHECK (feedback IN ('up', 'down')),
  created_at timestamptz NOT NULL,
  UNIQUE (conversation_id, seq)
);

CREATE TABLE jobs (
  id text PRIMARY KEY,
  tenant_id text REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (length(kind) > 0),
  status text NOT NULL
    CHECK (status IN ('queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled')),
  payload json NOT NULL,
  checkpoint json NOT NULL,
  progress double precision NOT NULL CHECK (progress BETWEEN 0 AND 1),
  error text,
  attempts integer NOT NULL CHECK (attempts >= 0),
  lease_owner text,
  lease_expires_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- A job is running exactly while someone holds its lease.
  CHECK ((status = 'running') = (lease_owner IS NOT NULL)),
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
);
CREATE INDEX jobs_by_creation ON jobs (created_at, id);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, created_at, id);
-- claim: the oldest queued job of some kinds, or a running one whose lease expired.
CREATE INDEX jobs_queued ON jobs (kind, created_at, id) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'running';

CREATE TABLE tickets (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  conversation_id text,
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  metadata json NOT NULL CHECK (json_typeof(metadata) = 'object'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE,
  -- Not enforced while conversation_id is NULL (MATCH SIMPLE).
  FOREIGN KEY (tenant_id, agent_id, conversation_id)
    REFERENCES conversations (tenant_id, agent_id, id) ON DELETE CASCADE
);
CREATE INDEX tickets_by_creation ON tickets (tenant_id, created_at, id);

CREATE TABLE tenant_usage (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  tokens bigint NOT NULL CHECK (tokens >= 0),
  PRIMARY KEY (tenant_id, day)
);

CREATE TABLE server_secrets (
  name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  secret bytea NOT NULL CHECK (length(secret) BETWEEN 16 AND 1024),
  created_at timestamptz NOT NULL
);
`;
