import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Message, MessageFeedback, MessageRole, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso, toJsonText } from "./postgres-values.js";

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: MessageRole;
  content: string;
  metadata: Record<string, JsonValue>;
  feedback: MessageFeedback | null;
  created_at: Date;
}

export function createPostgresMessages(sql: Sql): StoreRepositories["messages"] {
  return {
    // One round trip (migration 8's function): it touches the conversation first, which locks its row, so
    // appends to one conversation, from any process or replica, take their seq one after the other; its
    // INSERT then reads the highest seq afresh. No conversation: the INSERT's foreign key fails.
    append: async (input) => {
      const [row] = await sql.query<MessageRow>(
        "SELECT * FROM alambique_append_message($1, $2, $3, $4, $5, $6)",
        [
          newId(),
          input.conversationId,
          input.role,
          input.content,
          toJsonText(input.metadata ?? {}, "metadata"),
          nowIso(),
        ],
      );
      return toMessage(row!);
    },
    // One statement: migration 8's function called once per message, in order (a LATERAL call per row of the
    // ordered unnest, each call's statements seeing the ones before: they are volatile), so the seqs follow
    // one another as with `append`; a failing call fails the statement, and with it every message.
    appendAll: async (conversationId, entries) => {
      if (entries.length === 0) return [];
      const at = nowIso();
      const rows = await sql.query<MessageRow>(
        `SELECT m.* FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
           AS x(id, role, content, metadata, n)
         CROSS JOIN LATERAL alambique_append_message(x.id, $5, x.role, x.content, x.metadata::json, $6) AS m
         ORDER BY x.n`,
        [
          entries.map(() => newId()),
          entries.map((entry) => entry.role),
          entries.map((entry) => entry.content),
          entries.map((entry) => toJsonText(entry.metadata ?? {}, "metadata")),
          conversationId,
          at,
        ],
      );
      return rows.map(toMessage);
    },
    list: async (conversationId, options = {}) =>
      (
        await sql.query<MessageRow>(
          "SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
          [conversationId, options.afterSeq ?? 0, options.limit ?? null],
        )
      ).map(toMessage),
    async setFeedback(conversationId, messageId, feedback) {
      const [row] = await sql.query<MessageRow>(
        `UPDATE messages SET feedback = $1 WHERE id = $2 AND conversation_id = $3 AND role = 'assistant'
         RETURNING *`,
        [feedback, messageId, conversationId],
      );
      if (!row) throw new NotFoundError("message", messageId, "only the conversation's answers may be rated");
      return toMessage(row);
    },
    async annotate(conversationId, messageId, patch) {
      const removed = Object.keys(patch).filter((key) => patch[key] === null);
      const set = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null));
      // One statement: `-` drops the keys given null, `||` replaces the others whole (top level only).
      const [row] = await sql.query<MessageRow>(
        `UPDATE messages SET metadata = ((metadata::jsonb - $1::text[]) || $2::jsonb)::json
         WHERE id = $3 AND conversation_id = $4 RETURNING *`,
        [removed, toJsonText(set, "metadata"), messageId, conversationId],
      );
      if (!row) throw new NotFoundError("message", messageId, "the conversation has no such message");
      return toMessage(row);
    },
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    ...(row.feedback ? { feedback: row.feedback } : {}),
    createdAt: iso(row.created_at),
  };
}
