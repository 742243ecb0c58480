import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { AgentRecord } from "../../spec/store.js";
import { newId } from "../ids.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

export function createSqliteAgents(db: Database): SyncRepositories["agents"] {
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

  return {
    create({ tenantId, name, spec }) {
      const now = nowIso();
      return toAgent(insert.get(newId(), tenantId, name, toJsonText(spec, "spec"), now, now)!);
    },
    get: (tenantId, id) => optional(byId.get(tenantId, id)),
    getByName: (tenantId, name) => optional(byName.get(tenantId, name)),
    list: (tenantId) => byTenant.all(tenantId).map(toAgent),
    update(tenantId, id, spec) {
      const row = update.get(toJsonText(spec, "spec"), nowIso(), tenantId, id);
      if (!row) throw new NotFoundError("agent", id);
      return toAgent(row);
    },
    remove(tenantId, id) {
      if (remove.run(tenantId, id).changes === 0) throw new NotFoundError("agent", id);
    },
  };
}

function optional(row: AgentRow | undefined): AgentRecord | undefined {
  return row && toAgent(row);
}

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    spec: fromJsonText<Record<string, JsonValue>>(row.spec),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
