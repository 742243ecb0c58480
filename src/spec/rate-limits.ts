/**
 * Where request rate limits keep their token buckets. In one process (SQLite,
 * or tests) the buckets live in memory (src/server/limits/memory-rate-limits.ts);
 * replicas serving one PostgreSQL database share them in a table
 * (src/store/postgres/postgres-rate-limits.ts), so that a limit holds for a
 * client whichever replica it reaches.
 */

/** One family of buckets: every key of a scope has the same size and refill rate. */
export interface RateBucket {
  /** Names the family (`key`, `visitor`, `session`…): keys of different scopes never share a bucket. */
  scope: string;
  /** Sustained rate: tokens added per minute, continuously. Positive. */
  perMinute: number;
  /** Bucket size: tokens a key has after being idle long enough. At least 1. */
  burst: number;
}

export interface RateTake {
  allowed: boolean;
  /** Whole tokens left after this take (0 when refused). */
  remaining: number;
  /** When refused: milliseconds until `count` tokens are back (never 0). 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimitStore {
  /**
   * Takes `count` tokens (default 1) from the bucket of `key` in `bucket`'s
   * scope, refilled for the time since its last take, atomically: concurrent
   * takes from any number of processes never spend a token twice. A key never
   * seen starts full. Refused takes spend nothing. Throws `StoreError`
   * (`unavailable`) when the shared store cannot be reached.
   */
  take(bucket: RateBucket, key: string, count?: number): Promise<RateTake>;
  /** Stops timers and closes connections; `take` must not be called afterwards. */
  close(): Promise<void>;
}

/**
 * What a take answers, from the bucket's level after it (`tokens`, fractional:
 * after spending when `allowed`, untouched when refused): the refusal maths
 * every `RateLimitStore` shares, wherever it keeps the level. A refused take
 * waits until the `count` tokens are back at `perMinute`; a take larger than
 * the bucket waits as long and still fails (it can never pass).
 */
export function rateTake(allowed: boolean, tokens: number, count: number, perMinute: number): RateTake {
  if (allowed) return { allowed: true, remaining: Math.floor(tokens), retryAfterMs: 0 };
  const missing = Math.max(count - tokens, Number.EPSILON);
  return {
    allowed: false,
    remaining: 0,
    retryAfterMs: Math.max(1, Math.ceil((missing * 60_000) / perMinute)),
  };
}
