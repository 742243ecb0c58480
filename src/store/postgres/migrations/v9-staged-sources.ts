/**
 * Migration 9: staged knowledge sources, as SQLite's migration 10. A source
 * is written hidden ('staged', in short transactions) and swapped in
 * ('live') in one; the version it replaces becomes 'retired' and its chunks
 * are removed in batches (src/knowledge/write-source.ts). Only 'live' rows
 * and their chunks are ever read. A hidden row's uri is 'hidden:' || id (the
 * unique (agent_id, uri) is the live ones'), the uri it stands for in
 * hidden_uri: the same columns as SQLite's, so `store copy` moves them as
 * they are.
 */
export const v9StagedSources = `
ALTER TABLE knowledge_sources ADD COLUMN state text NOT NULL DEFAULT 'live'
  CHECK (state IN ('live', 'staged', 'retired'));
ALTER TABLE knowledge_sources ADD COLUMN hidden_uri text CHECK ((state = 'live') = (hidden_uri IS NULL));
CREATE INDEX knowledge_sources_hidden ON knowledge_sources (tenant_id, agent_id) WHERE state <> 'live';
`;
