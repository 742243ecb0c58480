/**
 * `ChangeFeed` on PostgreSQL's LISTEN/NOTIFY: one connection of its own
 * LISTENs on `alambique_conversations`, which migration 6's trigger notifies
 * with the tenant's id at the commit of any change to a conversation (a new
 * message touches it), whichever process made it: every replica's followers
 * of that tenant are woken.
 *
 * A lost connection is opened again (after 0.5 s, doubling to 10 s); the
 * notifications sent meanwhile are lost, so once listening again it wakes
 * every follower, which then reads the store. Followers keep polling slowly
 * all the same (see `ChangeFeed`).
 */
import pg from "pg";
import type { ChangeFeed } from "../../spec/change-feed.js";

export const conversationsChannel = "alambique_conversations";

export interface PostgresChangeFeedOptions {
  url: string;
  /** Told when the connection fails (it is opened again). */
  onError?: (error: Error) => void;
}

export class PostgresChangeFeed implements ChangeFeed {
  readonly #options: PostgresChangeFeedOptions;
  readonly #followers = new Map<string, Set<() => void>>();
  #client: pg.Client | undefined;
  #retryMs = 500;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #listening: Promise<void>;

  constructor(options: PostgresChangeFeedOptions) {
    this.#options = options;
    this.#listening = this.#connect();
  }

  /** Resolves once the feed listens (the first time); never rejects. */
  ready(): Promise<void> {
    return this.#listening;
  }

  follow(tenantId: string, wake: () => void): () => void {
    const set = this.#followers.get(tenantId) ?? new Set<() => void>();
    this.#followers.set(tenantId, set);
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.#followers.get(tenantId) === set) this.#followers.delete(tenantId);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#options.url, application_name: "alambique-feed" });
    client.on("notification", (message) => {
      if (message.channel !== conversationsChannel || message.payload === undefined) return;
      for (const wake of this.#followers.get(message.payload) ?? []) wake();
    });
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, new Error("the LISTEN connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${conversationsChannel}`);
    } catch (error) {
      this.#lost(client, error as Error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = 500;
    // What changed while not listening was not heard: every follower looks again.
    for (const set of this.#followers.values()) for (const wake of set) wake();
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#closed || (this.#client !== undefined && this.#client !== client)) return;
    if (this.#timer !== undefined) return; // already reconnecting
    this.#client = undefined;
    client.removeAllListeners("end");
    client.end().catch(() => {});
    this.#options.onError?.(error);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, this.#retryMs).unref();
    this.#retryMs = Math.min(10_000, this.#retryMs * 2);
  }
}
