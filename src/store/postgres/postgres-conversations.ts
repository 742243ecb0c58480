import { NotFoundError } from "../../spec/errors.js";
import type { Conversation, ConversationStatus, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso } from "./postgres-values.js";

interface ConversationRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  external_user_id: string;
  status: ConversationStatus;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresConversations(sql: Sql): StoreRepositories["conversations"] {
  const rows = async (text: string, values: unknown[]) =>
    (await sql.query<ConversationRow>(text, values)).map(toConversation);
  return {
    async create({ tenantId, agentId, externalUserId }) {
      const [conversation] = await rows(
        `INSERT INTO conversations (id, tenant_id, agent_id, external_user_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'bot', $5, $5) RETURNING *`,
        [newId(), tenantId, agentId, externalUserId, nowIso()],
      );
      return conversation!;
    },
    get: async (tenantId, id) =>
      (await rows("SELECT * FROM conversations WHERE tenant_id = $1 AND id = $2", [tenantId, id]))[0],
    // Shaped to use the partial index conversations_open.
    findOpen: async (tenantId, agentId, externalUserId) =>
      (
        await rows(
          `SELECT * FROM conversations
           WHERE tenant_id = $1 AND agent_id = $2 AND external_user_id = $3 AND status <> 'closed'
           ORDER BY created_at DESC, id DESC LIMIT 1`,
          [tenantId, agentId, externalUserId],
        )
      )[0],
    // Keyset paging on (created_at, id); the prefix is compared as text (left()), never as a LIKE pattern.
    list: (tenantId, filter = {}) =>
      rows(
        `SELECT * FROM conversations
         WHERE tenant_id = $1
           AND ($2::text IS NULL OR agent_id = $2)
           AND ($3::text IS NULL OR status = $3)
           AND ($4::text IS NULL OR left(external_user_id, length($4)) = $4)
           AND ($5::timestamptz IS NULL OR (created_at, id) > ($5, $6::text))
         ORDER BY created_at, id
         LIMIT $7`,
        [
          tenantId,
          filter.agentId ?? null,
          filter.status ?? null,
          filter.externalUserPrefix ?? null,
          filter.after?.createdAt ?? null,
          filter.after?.id ?? null,
          filter.limit ?? null,
        ],
      ),
    async setStatus(tenantId, id, status) {
      const [conversation] = await rows(
        "UPDATE conversations SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 RETURNING *",
        [status, nowIso(), tenantId, id],
      );
      if (!conversation) throw new NotFoundError("conversation", id);
      return conversation;
    },
  };
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    externalUserId: row.external_user_id,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
