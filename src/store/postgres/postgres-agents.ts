import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { AgentRecord, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso, toJsonText } from "./postgres-values.js";

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  spec: Record<string, JsonValue>;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresAgents(sql: Sql): StoreRepositories["agents"] {
  const rows = async (text: string, values: unknown[]) =>
    (await sql.query<AgentRow>(text, values)).map(toAgent);
  return {
    async create({ tenantId, name, spec }) {
      const now = nowIso();
      const [agent] = await rows(
        `INSERT INTO agents (id, tenant_id, name, spec, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
        [newId(), tenantId, name, toJsonText(spec, "spec"), now],
      );
      return agent!;
    },
    get: async (tenantId, id) =>
      (await rows("SELECT * FROM agents WHERE tenant_id = $1 AND id = $2", [tenantId, id]))[0],
    getByName: async (tenantId, name) =>
      (await rows("SELECT * FROM agents WHERE tenant_id = $1 AND name = $2", [tenantId, name]))[0],
    list: (tenantId) => rows("SELECT * FROM agents WHERE tenant_id = $1 ORDER BY created_at, id", [tenantId]),
    async update(tenantId, id, spec) {
      const [agent] = await rows(
        "UPDATE agents SET spec = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 RETURNING *",
        [toJsonText(spec, "spec"), nowIso(), tenantId, id],
      );
      if (!agent) throw new NotFoundError("agent", id);
      return agent;
    },
    async remove(tenantId, id) {
      const gone = await sql.query("DELETE FROM agents WHERE tenant_id = $1 AND id = $2 RETURNING id", [
        tenantId,
        id,
      ]);
      if (gone.length === 0) throw new NotFoundError("agent", id);
    },
  };
}

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    spec: row.spec,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
