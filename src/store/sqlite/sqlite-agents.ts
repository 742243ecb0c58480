import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { AgentRecord, AgentVersionSummary } from "../../spec/store.js";
import { newId } from "../ids.js";
import { assertLimit } from "./assert-limit.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import { SpecTexts } from "./spec-texts.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  agent_id: string;
  version: number;
  spec?: string;
  saved_at: string;
  saved_by: string | null;
}

/** The most versions one `listVersions` call returns. */
export const maxAgentVersionsListed = 1000;

export function createSqliteAgents(db: Database): SyncRepositories["agents"] {
  const specs = new SpecTexts();
  const toAgent = (row: AgentRow): AgentRecord => ({
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    spec: specs.parse(row.id, row.spec),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  const optional = (row: AgentRow | undefined): AgentRecord | undefined => row && toAgent(row);
  const insert = db.prepare<[string, string, string, string, string, string], AgentRow>(
    `INSERT INTO agents (id, tenant_id, name, spec, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const byId = db.prepare<[string, string], AgentRow>("SELECT * FROM agents WHERE tenant_id = ? AND id = ?");
  const byName = db.prepare<[string, string], AgentRow>(
    "SELECT * FROM agents WHERE tenant_id = ? AND name = ?",
  );
  const byTenant = db.prepare<[string], AgentRow>(
    "SELECT * FROM agents WHERE tenant_id = ? ORDER BY created_at, id",
  );
  const update = db.prepare<[string, string, string, string], AgentRow>(
    "UPDATE agents SET spec = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *",
  );
  const remove = db.prepare<[string, string]>("DELETE FROM agents WHERE tenant_id = ? AND id = ?");
  // The next number is read and written in one statement, inside the save's transaction.
  const addVersion = db.prepare<[AgentRow & { saved_by: string | null }]>(
    `INSERT INTO agent_versions (tenant_id, agent_id, version, spec, saved_at, saved_by)
     SELECT @tenant_id, @id, coalesce(max(version), 0) + 1, @spec, @updated_at, @saved_by
     FROM agent_versions WHERE agent_id = @id`,
  );
  const versions = db.prepare<[string, string, number], VersionRow>(
    `SELECT agent_id, version, saved_at, saved_by FROM agent_versions
     WHERE tenant_id = ? AND agent_id = ? ORDER BY version DESC LIMIT ?`,
  );
  const version = db.prepare<[string, string, number], Required<VersionRow>>(
    "SELECT * FROM agent_versions WHERE tenant_id = ? AND agent_id = ? AND version = ?",
  );
  const saved = (row: AgentRow, savedBy: string | null | undefined): AgentRecord => {
    addVersion.run({ ...row, saved_by: savedBy ?? null });
    return toAgent(row);
  };
  const createTx = db.transaction(
    (tenantId: string, name: string, spec: string, savedBy: string | null | undefined) => {
      const now = nowIso();
      return saved(insert.get(newId(), tenantId, name, spec, now, now)!, savedBy);
    },
  );
  const updateTx = db.transaction(
    (tenantId: string, id: string, spec: string, savedBy: string | null | undefined) => {
      const row = update.get(spec, nowIso(), tenantId, id);
      if (!row) throw new NotFoundError("agent", id);
      return saved(row, savedBy);
    },
  );

  return {
    create: ({ tenantId, name, spec, savedBy }) =>
      createTx(tenantId, name, toJsonText(spec, "spec"), savedBy),
    get: (tenantId, id) => optional(byId.get(tenantId, id)),
    getByName: (tenantId, name) => optional(byName.get(tenantId, name)),
    list: (tenantId) => byTenant.all(tenantId).map(toAgent),
    update: (tenantId, id, spec, savedBy) => updateTx(tenantId, id, toJsonText(spec, "spec"), savedBy),
    remove(tenantId, id) {
      if (remove.run(tenantId, id).changes === 0) throw new NotFoundError("agent", id);
    },
    listVersions(tenantId, agentId, limit) {
      assertLimit(limit, maxAgentVersionsListed);
      return versions.all(tenantId, agentId, limit).map(toSummary);
    },
    getVersion(tenantId, agentId, n) {
      const row = version.get(tenantId, agentId, n);
      return row && { ...toSummary(row), spec: fromJsonText<Record<string, JsonValue>>(row.spec) };
    },
  };
}

function toSummary(row: VersionRow): AgentVersionSummary {
  return { agentId: row.agent_id, version: row.version, savedAt: row.saved_at, savedBy: row.saved_by };
}
