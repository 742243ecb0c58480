import { NotFoundError, UsageError } from "../../spec/errors.js";
import type { Conversation, Store } from "../../spec/store.js";
import { everyConversation } from "../../store/every-conversation.js";

/** Shortest id prefix taken, as `keys revoke` does: 8 hex digits are unique in practice. */
const MIN_PREFIX = 8;

/**
 * The tenant's conversation with this id, or whose id starts with it (at
 * least 8 characters, as `conversations list` prints them). Throws
 * NotFoundError (another tenant's conversation is as absent as one that never
 * was) or UsageError when a prefix matches several.
 */
export async function findConversation(store: Store, tenantId: string, id: string): Promise<Conversation> {
  const exact = await store.conversations.get(tenantId, id);
  if (exact) return exact;
  const hint = "`alambique conversations list` shows the conversations and their ids";
  if (id.length < MIN_PREFIX) throw new NotFoundError("conversation", id, hint);
  const matches: Conversation[] = [];
  for await (const conversation of everyConversation(store, tenantId))
    if (conversation.id.startsWith(id)) matches.push(conversation);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new NotFoundError("conversation", id, hint);
  throw new UsageError(`${id} is the start of ${matches.length} conversations' ids`, "give more of the id");
}
