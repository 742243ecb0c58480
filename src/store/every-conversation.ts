import type { Conversation, ConversationFilter, Store } from "../spec/store.js";

/** Conversations read per store call. */
const PAGE = 500;

/**
 * Every conversation of the tenant that `filter` keeps, oldest first (the
 * store's creation order), read a page at a time so that no one call holds
 * them all. A conversation created while the walk is under way is met when
 * its page is reached; one removed meanwhile may or may not be.
 */
export async function* everyConversation(
  store: Pick<Store, "conversations">,
  tenantId: string,
  filter: Omit<ConversationFilter, "after" | "limit"> = {},
): AsyncGenerator<Conversation> {
  for (let after: ConversationFilter["after"]; ; ) {
    const page = await store.conversations.list(tenantId, {
      ...filter,
      ...(after ? { after } : {}),
      limit: PAGE,
    });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
