import { type RateTake, rateTake } from "../../spec/rate-limits.js";

export interface TokenBucketsOptions {
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many requests a key may make at once after being idle. Default: `perMinute`. */
  burst?: number;
  /** Keys kept at most; beyond it, full buckets (which are the same as no bucket) are dropped. Default 100 000. */
  maxKeys?: number;
  /** Milliseconds, monotonic. Default `performance.now`. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (an API key id, or a client address): each request
 * takes a token; tokens come back continuously at `perMinute / 60` a second,
 * up to `burst`. Memory is bounded by `maxKeys`: a bucket that has refilled is
 * indistinguishable from a new one, so those are the ones dropped.
 */
export class TokenBuckets {
  readonly perMinute: number;
  readonly burst: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketsOptions) {
    if (!(options.perMinute > 0)) throw new RangeError("perMinute must be positive");
    this.perMinute = options.perMinute;
    this.burst = Math.max(1, options.burst ?? options.perMinute);
    this.#perMs = options.perMinute / 60_000;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Takes `count` tokens (default 1) from `key`'s bucket; a refused take spends none. */
  take(key: string, count = 1): RateTake {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict(now);
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.#perMs);
      bucket.at = now;
    }
    const allowed = bucket.tokens >= count;
    if (allowed) bucket.tokens -= count;
    return rateTake(allowed, bucket.tokens, count, this.perMinute);
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Drops full buckets; if every bucket is in use, the oldest-created ones (they start over full). */
  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.burst) this.#buckets.delete(key);
    }
    const excess = this.#buckets.size - Math.floor(this.#maxKeys * 0.9);
    if (excess <= 0) return;
    let dropped = 0;
    for (const key of this.#buckets.keys()) {
      if (dropped++ >= excess) break;
      this.#buckets.delete(key);
    }
  }
}
