import type { RateBucket, RateLimitStore, RateTake } from "../../spec/rate-limits.js";

/**
 * One of the server's request rate limits: a family of buckets (see
 * `RateBucket`) kept in a `RateLimitStore`, in memory or shared by replicas.
 */
export class RateLimit {
  readonly bucket: RateBucket;
  readonly #store: RateLimitStore;

  constructor(bucket: RateBucket, store: RateLimitStore) {
    if (!(bucket.perMinute > 0)) throw new RangeError("perMinute must be positive");
    this.bucket = { ...bucket, burst: Math.max(1, bucket.burst) };
    this.#store = store;
  }

  get perMinute(): number {
    return this.bucket.perMinute;
  }

  /** Takes one request's token from `key`'s bucket; see `RateLimitStore.take` for what it throws. */
  take(key: string): Promise<RateTake> {
    return this.#store.take(this.bucket, key, 1);
  }
}
