/**
 * Migration 7: every saved spec of an agent, numbered 1, 2, 3… per agent and
 * written in the transaction of each save (postgres-agents.ts). An agent saved
 * before this migration starts with its current spec as version 1. The
 * columns are SQLite's `agent_versions`, so `store copy` moves the history.
 */
export const v7AgentVersions = `
CREATE TABLE agent_versions (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  spec json NOT NULL CHECK (json_typeof(spec) = 'object'),
  saved_at timestamptz NOT NULL,
  saved_by text,
  PRIMARY KEY (agent_id, version),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO agent_versions (tenant_id, agent_id, version, spec, saved_at, saved_by)
  SELECT tenant_id, id, 1, spec, updated_at, NULL FROM agents;
`;
