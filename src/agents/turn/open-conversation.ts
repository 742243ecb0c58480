import { randomUUID } from "node:crypto";
import type { JsonValue } from "../../spec/json.js";
import type { Conversation, ConversationStatus, Message, Store } from "../../spec/store.js";
import type { LoadedAgent } from "../loaded-agent.js";

/**
 * The conversation a turn reads and writes: stored (served turns), or held by
 * the caller (`scratch`: a client that sends the whole conversation with each
 * request, an evaluation replaying a test split), where nothing is stored and
 * the turn sees only what it was given.
 */
export interface ConversationLog {
  readonly conversation: Conversation;
  /** The messages before this turn, oldest first. */
  readonly history: Message[];
  /** Whether the conversation is in the store (a person can see it, take it over, and tools may refer to it). */
  readonly stored: boolean;
  append(message: {
    role: "user" | "assistant";
    content: string;
    metadata: Record<string, JsonValue>;
  }): Promise<Message>;
  /** The status now: a person may have taken the conversation while the turn ran. */
  status(): Promise<ConversationStatus>;
  setStatus(status: ConversationStatus): Promise<void>;
}

/**
 * Step 1: the customer's open conversation with the agent (created when there
 * is none) and its messages so far. Most turns continue a conversation, found
 * with a read; only creating one takes the write lock, and find-or-create then
 * runs in one transaction: two server processes on one store cannot open two
 * conversations.
 */
export async function openConversation(
  store: Store,
  agent: LoadedAgent,
  externalUserId: string,
): Promise<ConversationLog> {
  // The conversation and its messages in one read (one round trip on PostgreSQL).
  const { conversation, messages: history } =
    (await store.conversations.findOpenWithMessages(agent.tenantId, agent.id, externalUserId)) ??
    (await store.transaction(
      async (tx) =>
        (await tx.conversations.findOpenWithMessages(agent.tenantId, agent.id, externalUserId)) ?? {
          conversation: await tx.conversations.create({
            tenantId: agent.tenantId,
            agentId: agent.id,
            externalUserId,
          }),
          messages: [],
        },
    ));
  return {
    conversation,
    history,
    stored: true,
    append: (message) => store.messages.append({ conversationId: conversation.id, ...message }),
    status: async () =>
      (await store.conversations.get(agent.tenantId, conversation.id))?.status ?? conversation.status,
    setStatus: async (status) => {
      await store.conversations.setStatus(agent.tenantId, conversation.id, status);
    },
  };
}

/** Step 1 for a conversation the caller holds: `history` as given, kept in memory, gone after the turn. */
export function scratchConversation(
  agent: LoadedAgent,
  externalUserId: string,
  history: ReadonlyArray<{ role: "user" | "assistant"; content: string }>,
): ConversationLog {
  const now = new Date().toISOString();
  const conversation: Conversation = {
    id: `scratch-${randomUUID()}`,
    tenantId: agent.tenantId,
    agentId: agent.id,
    externalUserId,
    status: "bot",
    createdAt: now,
    updatedAt: now,
  };
  const messages: Message[] = [];
  const add = (message: Pick<Message, "role" | "content" | "metadata">): Message => {
    const stored = {
      id: randomUUID(),
      conversationId: conversation.id,
      seq: messages.length + 1,
      createdAt: new Date().toISOString(),
      ...message,
    };
    messages.push(stored);
    return stored;
  };
  for (const { role, content } of history) add({ role, content, metadata: {} });
  return {
    conversation,
    history: [...messages],
    stored: false,
    append: async (message) => add(message),
    status: async () => conversation.status,
    setStatus: async (status) => {
      conversation.status = status;
    },
  };
}
