import { NotFoundError } from "../../spec/errors.js";
import type { Conversation, ConversationStatus, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import { type MessageRow, toMessage } from "./postgres-messages.js";
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

const conversationColumns = "id, tenant_id, agent_id, external_user_id, status, created_at, updated_at";

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
    // Prepared (see Sql.query): read on every turn, by key.
    get: async (tenantId, id) =>
      (
        await sql.query<ConversationRow>(
          `SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND id = $2`,
          [tenantId, id],
          "alambique_conversation",
        )
      ).map(toConversation)[0],
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
    // One statement, one snapshot: the open conversation's columns on each of its messages (one row with
    // NULL message columns when it has none). A turn began with two round trips here (findOpen, then list).
    // Prepared (see Sql.query), so its columns are named: a `*` would change its result under a
    // connection that prepared it when a migration adds a column.
    async findOpenWithMessages(tenantId, agentId, externalUserId) {
      const found = await sql.query<
        ConversationRow & { [K in keyof MessageRow as `m_${K}`]: MessageRow[K] | null }
      >(
        `WITH c AS (
           SELECT ${conversationColumns} FROM conversations
           WHERE tenant_id = $1 AND agent_id = $2 AND external_user_id = $3 AND status <> 'closed'
           ORDER BY created_at DESC, id DESC LIMIT 1)
         SELECT c.*, m.id AS m_id, m.conversation_id AS m_conversation_id, m.seq AS m_seq, m.role AS m_role,
           m.content AS m_content, m.metadata AS m_metadata, m.feedback AS m_feedback, m.created_at AS m_created_at
         FROM c LEFT JOIN messages m ON m.conversation_id = c.id
         ORDER BY m.seq`,
        [tenantId, agentId, externalUserId],
        "alambique_open_conversation",
      );
      if (found.length === 0) return undefined;
      const messages = found
        .filter((row) => row.m_id !== null)
        .map((row) =>
          toMessage({
            id: row.m_id!,
            conversation_id: row.m_conversation_id!,
            seq: row.m_seq!,
            role: row.m_role!,
            content: row.m_content!,
            metadata: row.m_metadata!,
            feedback: row.m_feedback,
            created_at: row.m_created_at!,
          }),
        );
      return { conversation: toConversation(found[0]!), messages };
    },
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
