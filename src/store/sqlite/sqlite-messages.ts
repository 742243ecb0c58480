import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Message, MessageFeedback, MessageRole } from "../../spec/store.js";
import { newId } from "../ids.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: MessageRole;
  content: string;
  metadata: string;
  feedback: MessageFeedback | null;
  created_at: string;
}

export function createSqliteMessages(db: Database): SyncRepositories["messages"] {
  // One statement computes the next seq and inserts under the write lock, so
  // two writers (two processes) can never pick the same seq.
  const insert = db.prepare<[Record<string, string>], MessageRow>(
    `INSERT INTO messages (id, conversation_id, seq, role, content, metadata, created_at)
     SELECT @id, @conversationId, coalesce(max(seq), 0) + 1, @role, @content, @metadata, @now
     FROM messages WHERE conversation_id = @conversationId
     RETURNING *`,
  );
  const touchConversation = db.prepare<[string, string]>(
    "UPDATE conversations SET updated_at = ? WHERE id = ?",
  );
  const page = db.prepare<[string, number, number], MessageRow>(
    "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
  );
  const rate = db.prepare<[MessageFeedback | null, string, string], MessageRow>(
    `UPDATE messages SET feedback = ? WHERE id = ? AND conversation_id = ? AND role = 'assistant' RETURNING *`,
  );
  const one = db.prepare<[string, string], MessageRow>(
    "SELECT * FROM messages WHERE id = ? AND conversation_id = ?",
  );
  const setMetadata = db.prepare<[string, string], MessageRow>(
    "UPDATE messages SET metadata = ? WHERE id = ? RETURNING *",
  );
  // Read, merge and write under one write lock: two annotations of one message never lose a key.
  const annotate = db.transaction(
    (conversationId: string, messageId: string, patch: Record<string, JsonValue | null>): Message => {
      const row = one.get(messageId, conversationId);
      if (!row) throw new NotFoundError("message", messageId, "the conversation has no such message");
      const metadata = fromJsonText<Record<string, JsonValue>>(row.metadata);
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete metadata[key];
        else metadata[key] = value;
      }
      return toMessage(setMetadata.get(toJsonText(metadata, "metadata"), messageId)!);
    },
  );
  type NewMessage = Parameters<SyncRepositories["messages"]["append"]>[0];
  /** Inserts one message; the caller touches the conversation (once for several) and holds the transaction. */
  const insertOne = (input: NewMessage, now: string): Message => {
    const metadata = toJsonText(input.metadata ?? {}, "metadata");
    const { conversationId, role, content } = input;
    return toMessage(insert.get({ id: newId(), conversationId, role, content, metadata, now })!);
  };
  const append = db.transaction((input: NewMessage): Message => {
    const now = nowIso();
    const message = insertOne(input, now);
    touchConversation.run(now, input.conversationId);
    return message;
  });

  // One write lock and one commit for all, and one touch of the conversation (its last message's time).
  const appendAll = db.transaction(
    (conversationId: string, entries: Parameters<SyncRepositories["messages"]["appendAll"]>[1]) => {
      let now = "";
      const messages = entries.map((entry) => {
        now = nowIso();
        return insertOne({ conversationId, ...entry }, now);
      });
      if (messages.length > 0) touchConversation.run(now, conversationId);
      return messages;
    },
  );

  return {
    append: (input) => append.immediate(input),
    appendAll: (conversationId, entries) => appendAll.immediate(conversationId, entries),
    // LIMIT -1 is SQLite for "no limit".
    list: (conversationId, options = {}) =>
      page.all(conversationId, options.afterSeq ?? 0, options.limit ?? -1).map(toMessage),
    setFeedback: (conversationId, messageId, feedback) => {
      const row = rate.get(feedback, messageId, conversationId);
      if (!row) throw new NotFoundError("message", messageId, "only the conversation's answers may be rated");
      return toMessage(row);
    },
    annotate: (conversationId, messageId, patch) => annotate.immediate(conversationId, messageId, patch),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    metadata: fromJsonText<Record<string, JsonValue>>(row.metadata),
    ...(row.feedback ? { feedback: row.feedback } : {}),
    createdAt: row.created_at,
  };
}
