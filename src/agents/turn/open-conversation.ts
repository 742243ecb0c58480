import type { Conversation, Message, Store } from "../../spec/store.js";
import type { LoadedAgent } from "../loaded-agent.js";

/**
 * Step 1: the customer's open conversation with the agent (created when there
 * is none) and its messages so far. Find-or-create runs in one transaction:
 * two server processes on one store cannot open two conversations.
 */
export async function openConversation(
  store: Store,
  agent: LoadedAgent,
  externalUserId: string,
): Promise<{ conversation: Conversation; history: Message[] }> {
  const conversation = await store.transaction(
    async (tx) =>
      (await tx.conversations.findOpen(agent.tenantId, agent.id, externalUserId)) ??
      (await tx.conversations.create({ tenantId: agent.tenantId, agentId: agent.id, externalUserId })),
  );
  return { conversation, history: await store.messages.list(conversation.id) };
}
