/**
 * Migration 5: an agent's channels (secrets sealed by the channels layer) and
 * their inbound (deduplicated by provider message id) and outbound (by
 * idempotency key) queues, with the size cap of migration 4 on each table.
 */
export const v5Channels = `
CREATE TABLE channels (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  settings json NOT NULL CHECK (json_typeof(settings) = 'object'),
  sealed_secrets bytea NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (agent_id, kind),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE channel_inbound (
  id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  provider_message_id text NOT NULL CHECK (length(provider_message_id) BETWEEN 1 AND 256),
  payload json NOT NULL CHECK (json_typeof(payload) = 'object'),
  status text NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  lease_until timestamptz,
  error text,
  created_at timestamptz NOT NULL,
  UNIQUE (channel_id, provider_message_id)
);
CREATE INDEX channel_inbound_queued ON channel_inbound (status, created_at);

CREATE TABLE channel_outbound (
  id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 256),
  payload json NOT NULL CHECK (json_typeof(payload) = 'object'),
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  error text,
  provider_message_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (channel_id, idempotency_key)
);
CREATE INDEX channel_outbound_due ON channel_outbound (status, next_attempt_at);

SELECT alambique_cap_table(name) FROM unnest(ARRAY['channels', 'channel_inbound', 'channel_outbound']) AS name;
`;
