import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { Conversation, ConversationStatus } from "../../spec/store.js";
import { newId } from "../ids.js";
import { nowIso } from "./column-values.js";
import { type MessageRow, toMessage } from "./sqlite-messages.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface ConversationRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  external_user_id: string;
  status: ConversationStatus;
  created_at: string;
  updated_at: string;
}

export function createSqliteConversations(db: Database): SyncRepositories["conversations"] {
  const insert = db.prepare<[string, string, string, string, string, string], ConversationRow>(
    `INSERT INTO conversations (id, tenant_id, agent_id, external_user_id, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'bot', ?, ?) RETURNING *`,
  );
  const byId = db.prepare<[string, string], ConversationRow>(
    "SELECT * FROM conversations WHERE tenant_id = ? AND id = ?",
  );
  // Shaped to use the partial index conversations_open.
  const open = db.prepare<[string, string, string], ConversationRow>(
    `SELECT * FROM conversations
     WHERE tenant_id = ? AND agent_id = ? AND external_user_id = ? AND status <> 'closed'
     ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const messagesOf = db.prepare<[string], MessageRow>(
    "SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq",
  );
  const filtered = db.prepare<
    [
      {
        tenantId: string;
        agentId: string | null;
        status: string | null;
        prefix: string | null;
        afterTime: string | null;
        afterId: string | null;
        limit: number;
      },
    ],
    ConversationRow
  >(
    // Keyset paging on (created_at, id): stable while conversations are added or change status.
    `SELECT * FROM conversations
     WHERE tenant_id = @tenantId
       AND (@agentId IS NULL OR agent_id = @agentId)
       AND (@status IS NULL OR status = @status)
       AND (@prefix IS NULL OR substr(external_user_id, 1, length(@prefix)) = @prefix)
       AND (@afterTime IS NULL OR (created_at, id) > (@afterTime, @afterId))
     ORDER BY created_at, id
     LIMIT @limit`,
  );
  const setStatus = db.prepare<[string, string, string, string], ConversationRow>(
    "UPDATE conversations SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *",
  );

  return {
    create({ tenantId, agentId, externalUserId }) {
      const now = nowIso();
      return toConversation(insert.get(newId(), tenantId, agentId, externalUserId, now, now)!);
    },
    get: (tenantId, id) => optional(byId.get(tenantId, id)),
    findOpen: (tenantId, agentId, externalUserId) => optional(open.get(tenantId, agentId, externalUserId)),
    // One synchronous call: no write can come between the two reads.
    findOpenWithMessages(tenantId, agentId, externalUserId) {
      const conversation = optional(open.get(tenantId, agentId, externalUserId));
      return conversation && { conversation, messages: messagesOf.all(conversation.id).map(toMessage) };
    },
    list: (tenantId, filter = {}) =>
      filtered
        .all({
          tenantId,
          agentId: filter.agentId ?? null,
          status: filter.status ?? null,
          prefix: filter.externalUserPrefix ?? null,
          afterTime: filter.after?.createdAt ?? null,
          afterId: filter.after?.id ?? null,
          limit: filter.limit ?? -1,
        })
        .map(toConversation),
    setStatus(tenantId, id, status) {
      const row = setStatus.get(status, nowIso(), tenantId, id);
      if (!row) throw new NotFoundError("conversation", id);
      return toConversation(row);
    },
  };
}

function optional(row: ConversationRow | undefined): Conversation | undefined {
  return row && toConversation(row);
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    externalUserId: row.external_user_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
