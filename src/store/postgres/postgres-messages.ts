import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Message, MessageFeedback, MessageRole, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso, toJsonText } from "./postgres-values.js";

interface MessageRow {
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
    append: (input) =>
      sql.atomic(async (tx) => {
        const now = nowIso();
        const metadata = toJsonText(input.metadata ?? {}, "metadata");
        // Touching the conversation first locks its row: appends to one conversation, from any
        // process or replica, take their seq one after the other. No row: the INSERT's foreign key fails.
        await tx.query("UPDATE conversations SET updated_at = $1 WHERE id = $2", [now, input.conversationId]);
        const [row] = await tx.query<MessageRow>(
          `INSERT INTO messages (id, conversation_id, seq, role, content, metadata, created_at)
           SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6 FROM messages WHERE conversation_id = $2
           RETURNING *`,
          [newId(), input.conversationId, input.role, input.content, metadata, now],
        );
        return toMessage(row!);
      }),
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

function toMessage(row: MessageRow): Message {
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
