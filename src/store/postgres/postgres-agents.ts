import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { AgentRecord, AgentVersionSummary, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import { maxAgentVersionsListed } from "../sqlite/sqlite-agents.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, iso, nowIso, toJsonText } from "./postgres-values.js";

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  spec: Record<string, JsonValue>;
  created_at: Date;
  updated_at: Date;
}

interface VersionRow {
  agent_id: string;
  version: number;
  spec: Record<string, JsonValue>;
  saved_at: Date;
  saved_by: string | null;
}

/**
 * Records the agent's row just written as its next version, in the caller's
 * transaction. Two updates of one agent cannot pick the same number: the
 * second waits on the first's row lock, and its `max` (a new snapshot per
 * statement under READ COMMITTED) sees the first's version.
 */
async function addVersion(sql: Sql, row: AgentRow, savedBy: string | null | undefined): Promise<void> {
  await sql.query(
    `INSERT INTO agent_versions (tenant_id, agent_id, version, spec, saved_at, saved_by)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5 FROM agent_versions WHERE agent_id = $2`,
    [row.tenant_id, row.id, JSON.stringify(row.spec), row.updated_at, savedBy ?? null],
  );
}

const agentColumns = "id, tenant_id, name, spec, created_at, updated_at";

export function createPostgresAgents(sql: Sql): StoreRepositories["agents"] {
  const rows = async (text: string, values: unknown[]) =>
    (await sql.query<AgentRow>(text, values)).map(toAgent);
  return {
    create: ({ tenantId, name, spec, savedBy }) =>
      sql.atomic(async (tx) => {
        const now = nowIso();
        const [row] = await tx.query<AgentRow>(
          `INSERT INTO agents (id, tenant_id, name, spec, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
          [newId(), tenantId, name, toJsonText(spec, "spec"), now],
        );
        await addVersion(tx, row!, savedBy);
        return toAgent(row!);
      }),
    // Prepared (see Sql.query): a turn reads its agent by name or id. Columns named, not `*`: a prepared
    // statement's result must not change under it when a migration adds a column.
    get: async (tenantId, id) =>
      (
        await sql.query<AgentRow>(
          `SELECT ${agentColumns} FROM agents WHERE tenant_id = $1 AND id = $2`,
          [tenantId, id],
          "alambique_agent",
        )
      ).map(toAgent)[0],
    getByName: async (tenantId, name) =>
      (
        await sql.query<AgentRow>(
          `SELECT ${agentColumns} FROM agents WHERE tenant_id = $1 AND name = $2`,
          [tenantId, name],
          "alambique_agent_by_name",
        )
      ).map(toAgent)[0],
    list: (tenantId) => rows("SELECT * FROM agents WHERE tenant_id = $1 ORDER BY created_at, id", [tenantId]),
    update: (tenantId, id, spec, savedBy) =>
      sql.atomic(async (tx) => {
        const [row] = await tx.query<AgentRow>(
          "UPDATE agents SET spec = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 RETURNING *",
          [toJsonText(spec, "spec"), nowIso(), tenantId, id],
        );
        if (!row) throw new NotFoundError("agent", id);
        await addVersion(tx, row, savedBy);
        return toAgent(row);
      }),
    async remove(tenantId, id) {
      const gone = await sql.query("DELETE FROM agents WHERE tenant_id = $1 AND id = $2 RETURNING id", [
        tenantId,
        id,
      ]);
      if (gone.length === 0) throw new NotFoundError("agent", id);
    },
    async listVersions(tenantId, agentId, limit) {
      assertLimit(limit, maxAgentVersionsListed);
      const found = await sql.query<VersionRow>(
        `SELECT agent_id, version, saved_at, saved_by FROM agent_versions
         WHERE tenant_id = $1 AND agent_id = $2 ORDER BY version DESC LIMIT $3`,
        [tenantId, agentId, limit],
      );
      return found.map(toSummary);
    },
    async getVersion(tenantId, agentId, version) {
      if (!(Number.isInteger(version) && version >= 1 && version <= 2 ** 31 - 1)) return undefined;
      const [row] = await sql.query<VersionRow>(
        "SELECT * FROM agent_versions WHERE tenant_id = $1 AND agent_id = $2 AND version = $3",
        [tenantId, agentId, version],
      );
      return row && { ...toSummary(row), spec: row.spec };
    },
  };
}

function toSummary(row: VersionRow): AgentVersionSummary {
  return { agentId: row.agent_id, version: row.version, savedAt: iso(row.saved_at), savedBy: row.saved_by };
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
