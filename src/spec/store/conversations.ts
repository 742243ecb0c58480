// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";

export type ConversationStatus = "bot" | "waiting_human" | "human" | "closed";

export interface ConversationFilter {
  agentId?: string;
  status?: ConversationStatus;
  externalUserPrefix?: string;
  /** Where the page starts: after this conversation (its creation time and id; it may have been removed since). */
  after?: { createdAt: string; id: string };
  limit?: number;
}

export interface Conversation {
  id: string;
  tenantId: string;
  agentId: string;
  /** The customer's id in the channel that reached us (widget cookie, `user` field, phone). */
  externalUserId: string;
  status: ConversationStatus;
  createdAt: string;
  updatedAt: string;
}

export type MessageRole = "system" | "user" | "assistant" | "tool" | "human";

/** What a customer said of an answer: thumbs up or down. */
export type MessageFeedback = "up" | "down";

export interface Message {
  id: string;
  conversationId: string;
  /** 1, 2, 3… within the conversation, assigned by the store. */
  seq: number;
  role: MessageRole;
  content: string;
  /** Citations, tool calls and results, usage, latency. */
  metadata: Record<string, JsonValue>;
  /** The customer's rating of an assistant message; absent until they give one (or after they take it back). */
  feedback?: MessageFeedback;
  createdAt: string;
}

export interface ConversationsRepository {
  /** Starts in status `bot`. StoreError(foreign_key) unless the agent belongs to the tenant. */
  create(input: { tenantId: string; agentId: string; externalUserId: string }): Promise<Conversation>;
  get(tenantId: string, id: string): Promise<Conversation | undefined>;
  /** The newest conversation of this customer with this agent that is not closed. */
  findOpen(tenantId: string, agentId: string, externalUserId: string): Promise<Conversation | undefined>;
  /**
   * `findOpen` and that conversation's messages (in `seq` order), read
   * together as one consistent read (one round trip on PostgreSQL): what a
   * turn starts from. Undefined when `findOpen` finds none.
   */
  findOpenWithMessages(
    tenantId: string,
    agentId: string,
    externalUserId: string,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined>;
  /**
   * Oldest first (creation order). A page: the conversations after `after`
   * (none: from the first), at most `limit` of them.
   * `externalUserPrefix` keeps those whose externalUserId starts with it.
   */
  list(tenantId: string, filter?: ConversationFilter): Promise<Conversation[]>;
  setStatus(tenantId: string, id: string, status: ConversationStatus): Promise<Conversation>;
}

export interface MessagesRepository {
  /**
   * Appends with the next `seq` in the conversation (also across processes)
   * and touches the conversation's `updatedAt`. StoreError(foreign_key) when
   * the conversation does not exist.
   */
  append(input: {
    conversationId: string;
    role: MessageRole;
    content: string;
    metadata?: Record<string, JsonValue>;
  }): Promise<Message>;
  /**
   * Appends `messages` in order, each as `append` does (consecutive seqs,
   * `updatedAt` touched), all or none: one atomic write, where a transaction
   * of `append`s would be several (on PostgreSQL, five round trips for two
   * messages). Returns them in order; none given, none appended.
   * StoreError(foreign_key) when the conversation does not exist.
   */
  appendAll(
    conversationId: string,
    messages: ReadonlyArray<{ role: MessageRole; content: string; metadata?: Record<string, JsonValue> }>,
  ): Promise<Message[]>;
  /** In `seq` order; `afterSeq` for paging. */
  list(conversationId: string, options?: { afterSeq?: number; limit?: number }): Promise<Message[]>;
  /**
   * Records the customer's rating of an answer (null takes it back) and
   * returns the message. Only an `assistant` message of that conversation may
   * be rated: NotFoundError for any other id, role or conversation, so that a
   * caller scoped to one conversation cannot touch another's messages.
   */
  setFeedback(conversationId: string, messageId: string, feedback: MessageFeedback | null): Promise<Message>;
  /**
   * Sets top-level keys of a message's metadata after it was appended (each
   * key's value replaced whole; a key given null is removed) and returns the
   * message: what is learnt about a turn later (a shadow answer, whether a
   * rating may teach). NotFoundError when the conversation has no such message.
   */
  annotate(
    conversationId: string,
    messageId: string,
    patch: Record<string, JsonValue | null>,
  ): Promise<Message>;
}
