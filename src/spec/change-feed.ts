/**
 * Wakes whoever follows a tenant's conversations (the console's live inbox,
 * `/api/conversation-events`) when any process writes one. It carries no
 * data: a follower woken reads the store, the one source of truth. A wake may
 * be spurious, and one may be lost (a dropped connection): followers keep a
 * slow poll as well. PostgreSQL implements it with LISTEN/NOTIFY
 * (src/store/postgres/postgres-change-feed.ts); with SQLite there is none and
 * followers poll.
 */
export interface ChangeFeed {
  /** Calls `wake` after each change to the tenant's conversations or their messages; returns the unsubscriber. */
  follow(tenantId: string, wake: () => void): () => void;
  close(): Promise<void>;
}
