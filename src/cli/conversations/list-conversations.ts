import type { Conversation, ConversationStatus, Store } from "../../spec/store.js";
import { findAgentForCli } from "../find-agent-for-cli.js";

const PAGE = 500;

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
  // The store pages oldest first: walk to the end, keeping the last `limit`.
  let rows: Conversation[] = [];
  let after: Conversation | undefined;
  for (;;) {
    const page = await store.conversations.list(tenantId, {
      ...filter,
      ...(after ? { after } : {}),
      limit: PAGE,
    });
    rows = [...rows, ...page].slice(-options.limit);
    if (page.length < PAGE) break;
    after = page.at(-1);
  }
  return { rows, agentNames: new Map(agents.map((a) => [a.id, a.name])) };
}
