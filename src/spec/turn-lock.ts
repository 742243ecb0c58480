/**
 * Serialises one customer's turns across every process serving one store
 * (replicas behind a load balancer): two messages of one customer sent to two
 * replicas at once are answered one after the other, as they are inside one
 * process. Implemented on PostgreSQL with advisory locks
 * (src/store/postgres/postgres-turn-lock.ts); a SQLite store has none (its
 * replicas would share one file, which it is not meant for).
 */
export interface TurnLock {
  /**
   * Runs `fn` while holding the lock on `key` (an agent and a customer).
   * Waits for another process's turn on the same key for a bounded time, then
   * throws AlambiqueError `conversation_busy` (409, retryable). A process
   * that dies holding it releases it (its database session ends).
   */
  hold<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
