import type { Message, Store } from "../../spec/store.js";
import type { ConversationLog } from "./open-conversation.js";

type Entry = Parameters<ConversationLog["append"]>[0];

/** A stored conversation's log whose customer message waits for the answer (see `answerWithMessage`). */
export interface HeldMessageLog extends ConversationLog {
  /** Stores the held customer message alone, if it is still held. Idempotent; call it when the turn ends. */
  flush(): Promise<void>;
}

/**
 * Step 1b for a turn that runs no model (retrieval mode): the customer's
 * message is held, and written with the answer in one atomic store call — one
 * durable commit (one fsync on SQLite) a turn instead of two. Such a turn
 * lasts milliseconds and calls no tool, so nobody misses the message
 * meanwhile; turns of one customer run one after the other (AgentRuntime), so
 * no other turn reads the history in between.
 *
 * What it keeps: the customer's message is stored before the answer (its seq
 * is lower), before any status change (`setStatus` stores it first), and also
 * when no answer is stored or the turn fails (`flush`, in the turn's
 * `finally`). When the write of both fails, the customer's message is written
 * alone once more, then the error is thrown.
 */
export function answerWithMessage(store: Store, log: ConversationLog): HeldMessageLog {
  const conversationId = log.conversation.id;
  let held: Entry | undefined;
  const flush = async () => {
    if (held === undefined) return;
    const message = held;
    held = undefined;
    await log.append(message);
  };
  const append = async (entry: Entry): Promise<Message> => {
    if (entry.role === "user" && held === undefined) {
      held = entry;
      return heldMessage(conversationId, entry);
    }
    if (held === undefined) return log.append(entry);
    const first = held;
    held = undefined;
    try {
      // One atomic call (one round trip on PostgreSQL, where a transaction of two appends took five).
      return (await store.messages.appendAll(conversationId, [first, entry]))[1]!;
    } catch (error) {
      held = first;
      await flush().catch(() => undefined);
      throw error;
    }
  };
  return {
    conversation: log.conversation,
    history: log.history,
    stored: log.stored,
    append,
    status: () => log.status(),
    setStatus: async (status) => {
      await flush();
      await log.setStatus(status);
    },
    flush,
  };
}

/** What `append` answers for a held message: not stored yet, so no id or seq from the store. */
function heldMessage(conversationId: string, entry: Entry): Message {
  return { id: "", conversationId, seq: 0, createdAt: new Date().toISOString(), ...entry };
}
