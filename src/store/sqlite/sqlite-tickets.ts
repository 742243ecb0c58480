/**
 * Tickets: what a conversation hands to people (a callback request, an order
 * problem). A ticket belongs to an agent of its tenant and, optionally, to a
 * conversation of that same agent (StoreError(foreign_key) otherwise).
 */
import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { Ticket } from "../../spec/knowledge.js";
import { newId } from "../ids.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface TicketRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  conversation_id: string | null;
  subject: string;
  body: string;
  status: Ticket["status"];
  metadata: string;
  created_at: string;
  updated_at: string;
}

export function createSqliteTickets(db: Database): SyncRepositories["tickets"] {
  const insert = db.prepare<[Record<string, unknown>], TicketRow>(
    `INSERT INTO tickets (id, tenant_id, agent_id, conversation_id, subject, body, status, metadata,
       created_at, updated_at)
     VALUES (@id, @tenantId, @agentId, @conversationId, @subject, @body, 'open', @metadata, @now, @now)
     RETURNING *`,
  );
  const byId = db.prepare<[string, string], TicketRow>(
    "SELECT * FROM tickets WHERE tenant_id = ? AND id = ?",
  );
  const filtered = db.prepare<
    [{ tenantId: string; agentId: string | null; status: string | null }],
    TicketRow
  >(
    `SELECT * FROM tickets
     WHERE tenant_id = @tenantId
       AND (@agentId IS NULL OR agent_id = @agentId)
       AND (@status IS NULL OR status = @status)
     ORDER BY created_at, id`,
  );
  const setStatus = db.prepare<[string, string, string, string], TicketRow>(
    "UPDATE tickets SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *",
  );

  return {
    create(input) {
      const row = insert.get({
        id: newId(),
        tenantId: input.tenantId,
        agentId: input.agentId,
        conversationId: input.conversationId ?? null,
        subject: input.subject,
        body: input.body,
        metadata: toJsonText(input.metadata ?? {}, "metadata"),
        now: nowIso(),
      });
      return toTicket(row!);
    },
    get(tenantId, id) {
      const row = byId.get(tenantId, id);
      return row && toTicket(row);
    },
    list: (tenantId, filter = {}) =>
      filtered
        .all({ tenantId, agentId: filter.agentId ?? null, status: filter.status ?? null })
        .map(toTicket),
    setStatus(tenantId, id, status) {
      const row = setStatus.get(status, nowIso(), tenantId, id);
      if (!row) throw new NotFoundError("ticket", id);
      return toTicket(row);
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
    metadata: fromJsonText<Record<string, never>>(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
