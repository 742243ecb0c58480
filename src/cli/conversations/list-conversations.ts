import type { Conversation, ConversationStatus, Store } from "../../spec/store.js";
import { everyConversation } from "../../store/every-conversation.js";
import { findAgentForCli } from "../find-agent-for-cli.js";

/**
 * The newest `limit` conversations of the tenant (by creation), oldest of
 * them first, filtered as `GET /api/conversations` filters, with the names of
 * their agents. An unknown `agent` throws NotFoundError with a did-you-mean.
 */
export async function listConversations(
  store: Store,
  tenantId: string,
  options: { agent?: string; status?: string; limit: number },
): Promise<{ rows: Conversation[]; agentNames: Map<string, string> }> {
  const agents = await store.agents.list(tenantId);
  const agentId = options.agent ? (await findAgentForCli(store, tenantId, options.agent)).id : undefined;
  const filter = {
    ...(agentId ? { agentId } : {}),
    ...(options.status ? { status: options.status as ConversationStatus } : {}),
  };
  // Oldest first: walk to the end, keeping the last `limit` (trimmed now and then, not per row).
  let rows: Conversation[] = [];
  for await (const conversation of everyConversation(store, tenantId, filter)) {
    rows.push(conversation);
    if (rows.length >= 2 * options.limit) rows = rows.slice(-options.limit);
  }
  return { rows: rows.slice(-options.limit), agentNames: new Map(agents.map((a) => [a.id, a.name])) };
}
