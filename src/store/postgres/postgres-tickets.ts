/**
 * Tickets: a ticket belongs to an agent of its tenant and, optionally, to a
 * conversation of that same agent (composite foreign keys: StoreError(foreign_key) otherwise).
 */
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Ticket } from "../../spec/knowledge.js";
import type { StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso, toJsonText } from "./postgres-values.js";

interface TicketRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  conversation_id: string | null;
  subject: string;
  body: string;
  status: Ticket["status"];
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresTickets(sql: Sql): StoreRepositories["tickets"] {
  const rows = async (text: string, values: unknown[]) =>
    (await sql.query<TicketRow>(text, values)).map(toTicket);
  return {
    async create(input) {
      const [ticket] = await rows(
        `INSERT INTO tickets (id, tenant_id, agent_id, conversation_id, subject, body, status, metadata,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8) RETURNING *`,
        [
          newId(),
          input.tenantId,
          input.agentId,
          input.conversationId ?? null,
          input.subject,
          input.body,
          toJsonText((input.metadata ?? {}) as Record<string, JsonValue>, "metadata"),
          nowIso(),
        ],
      );
      return ticket!;
    },
    get: async (tenantId, id) =>
      (await rows("SELECT * FROM tickets WHERE tenant_id = $1 AND id = $2", [tenantId, id]))[0],
    list: (tenantId, filter = {}) =>
      rows(
        `SELECT * FROM tickets WHERE tenant_id = $1
           AND ($2::text IS NULL OR agent_id = $2) AND ($3::text IS NULL OR status = $3)
         ORDER BY created_at, id`,
        [tenantId, filter.agentId ?? null, filter.status ?? null],
      ),
    async setStatus(tenantId, id, status) {
      const [ticket] = await rows(
        "UPDATE tickets SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 RETURNING *",
        [status, nowIso(), tenantId, id],
      );
      if (!ticket) throw new NotFoundError("ticket", id);
      return ticket;
    },
  };
}

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    subject: row.subject,
    body: row.body,
    status: row.status,
    metadata: row.metadata,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
