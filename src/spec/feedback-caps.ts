/**
 * Where the daily caps on visitors' thumbs down are counted (see
 * src/server/limits/feedback-cap.ts for why there are caps). In one process
 * the counts live in memory (src/server/limits/memory-feedback-caps.ts);
 * replicas serving one PostgreSQL database share them in a table
 * (src/store/postgres/postgres-feedback-caps.ts), so that a cap holds
 * whichever replicas a visitor's ratings reach.
 */

export interface FeedbackCapLimits {
  /** Answers one visitor may rate down per day and still count. */
  perVisitor: number;
  /** Answers all the visitors of one client address together may rate down per day and still count. */
  perAddress: number;
}

export interface FeedbackCapStore {
  /**
   * Counts a thumbs down on `answerId` by `visitor` from `address` on `day`
   * (UTC, `YYYY-MM-DD`), atomically across processes; false when either has
   * reached its cap that day (then nothing is counted). An answer the visitor
   * already counted that day is admitted again without counting twice.
   * Throws `StoreError` when a shared store cannot be reached.
   */
  admit(
    day: string,
    visitor: string,
    address: string,
    answerId: string,
    limits: FeedbackCapLimits,
  ): Promise<boolean>;
  /** Stops timers and closes connections; nothing may be called afterwards. */
  close(): Promise<void>;
}
