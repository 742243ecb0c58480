import type { RateBucket, RateLimitStore, RateTake } from "../../spec/rate-limits.js";
import { TokenBuckets } from "./token-buckets.js";

/**
 * `RateLimitStore` in this process's memory: the buckets of one server (a
 * SQLite store, which one process serves). Each family of buckets (scope,
 * rate and size) is a `TokenBuckets`, bounded in keys as it is.
 */
export class MemoryRateLimits implements RateLimitStore {
  readonly #families = new Map<string, TokenBuckets>();
  readonly #now: (() => number) | undefined;

  /** `now`: milliseconds, monotonic (default `performance.now`). */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now;
  }

  async take(bucket: RateBucket, key: string, count = 1): Promise<RateTake> {
    const name = `${bucket.scope}\u0000${bucket.perMinute}\u0000${bucket.burst}`;
    let family = this.#families.get(name);
    if (!family) {
      family = new TokenBuckets({
        perMinute: bucket.perMinute,
        burst: bucket.burst,
        ...(this.#now ? { now: this.#now } : {}),
      });
      this.#families.set(name, family);
    }
    return family.take(key, count);
  }

  async close(): Promise<void> {
    this.#families.clear();
  }
}
