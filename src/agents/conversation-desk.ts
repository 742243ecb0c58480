import type { StaffReplyRelay } from "../spec/channel.js";
import { NotFoundError, ValidationError } from "../spec/errors.js";
import type { Conversation, Message, Store } from "../spec/store.js";

/**
 * The human side of conversations: the handoff queue, a person's replies, and
 * handing the conversation back to the agent. A person's reply is a message
 * like any other (role `human`), so the customer sees it in the same thread
 * and the agent sees it in its history when it resumes.
 */
export class ConversationDesk {
  /** `relay`: a conversation from a channel gets the reply on it (refused first when it cannot be delivered). */
  constructor(
    private readonly store: Store,
    private readonly relay?: StaffReplyRelay,
  ) {}

  /** Conversations waiting for a person, oldest first. */
  queue(tenantId: string, agentId?: string): Promise<Conversation[]> {
    return this.store.conversations.list(tenantId, {
      status: "waiting_human",
      ...(agentId ? { agentId } : {}),
    });
  }

  /** A person answers: the conversation is theirs (`human`) until they hand it back. */
  async reply(tenantId: string, conversationId: string, text: string, staff: string): Promise<Message> {
    const conversation = await this.get(tenantId, conversationId);
    if (conversation.status === "closed") {
      throw new ValidationError("the conversation is closed", [
        { path: ["conversationId"], message: "closed" },
      ]);
    }
    if (text.trim() === "")
      throw new ValidationError("the reply is empty", [{ path: ["text"], message: "empty" }]);
    await this.relay?.beforeReply(conversation);
    const message = await this.store.transaction(async (tx) => {
      if (conversation.status !== "human")
        await tx.conversations.setStatus(tenantId, conversationId, "human");
      return tx.messages.append({ conversationId, role: "human", content: text, metadata: { staff } });
    });
    await this.relay?.afterReply(conversation, message);
    return message;
  }

  /** The agent answers again from the next customer message. */
  handBack(tenantId: string, conversationId: string): Promise<Conversation> {
    return this.setStatus(tenantId, conversationId, "bot");
  }

  close(tenantId: string, conversationId: string): Promise<Conversation> {
    return this.setStatus(tenantId, conversationId, "closed");
  }

  private async setStatus(
    tenantId: string,
    id: string,
    status: Conversation["status"],
  ): Promise<Conversation> {
    await this.get(tenantId, id);
    return this.store.conversations.setStatus(tenantId, id, status);
  }

  private async get(tenantId: string, id: string): Promise<Conversation> {
    const conversation = await this.store.conversations.get(tenantId, id);
    if (!conversation) throw new NotFoundError("conversation", id);
    return conversation;
  }
}
