import type { Store } from "../spec/store.js";

/** Conversations remembered at most; the least recently asked is forgotten first (and read whole again if asked). */
const MAX_CONVERSATIONS = 4096;

interface Seen {
  /** The conversation's messages were read up to this `seq`. */
  seq: number;
  /** When its customer last wrote among those, if they did. */
  at: string | undefined;
}

/**
 * When each conversation's customer last wrote (`createdAt` of its last
 * `user` message), for the customer-service window, reading only the
 * messages added since the conversation was last asked about: messages are
 * only appended, in `seq` order, so what was read stays true. Concurrent asks
 * for one conversation are safe: each remembers a `seq` with the last
 * customer message up to it.
 */
export class LastCustomerMessages {
  readonly #seen = new Map<string, Seen>();

  constructor(private readonly store: Pick<Store, "messages">) {}

  /** The time of the customer's last message, or undefined when they wrote none. */
  async at(conversationId: string): Promise<string | undefined> {
    const known = this.#seen.get(conversationId);
    const added = await this.store.messages.list(conversationId, known ? { afterSeq: known.seq } : {});
    const seen: Seen = { ...(known ?? { seq: 0, at: undefined }) };
    for (const message of added) {
      seen.seq = message.seq;
      if (message.role === "user") seen.at = message.createdAt;
    }
    this.#seen.delete(conversationId); // re-inserted last: the Map's order is the least recently asked first
    this.#seen.set(conversationId, seen);
    if (this.#seen.size > MAX_CONVERSATIONS) this.#seen.delete(this.#seen.keys().next().value!);
    return seen.at;
  }
}
