import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./token-buckets.js";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("TokenBuckets", () => {
  it("lets a burst through, then one request per refill interval, per key", () => {
    const time = clock();
    const buckets = new TokenBuckets({ perMinute: 60, burst: 3, now: time.now });
    expect([1, 2, 3].map(() => buckets.take("a").allowed)).toEqual([true, true, true]);
    const refused = buckets.take("a");
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    expect(buckets.take("b").allowed).toBe(true);
    time.advance(999);
    expect(buckets.take("a").allowed).toBe(false);
    time.advance(1);
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    time.advance(60_000);
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("says how long until the next token when refused", () => {
    const time = clock();
    const buckets = new TokenBuckets({ perMinute: 6, burst: 1, now: time.now });
    buckets.take("k");
    time.advance(4_000);
    expect(buckets.take("k").retryAfterMs).toBe(6_000);
  });

  it("keeps memory bounded: full buckets go first, then the oldest", () => {
    const time = clock();
    const buckets = new TokenBuckets({ perMinute: 60, burst: 2, maxKeys: 100, now: time.now });
    for (let i = 0; i < 1_000; i++) buckets.take(`key-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
    // A key in use is not forgotten by churn of others: it stays refused.
    buckets.take("hot");
    buckets.take("hot");
    for (let i = 0; i < 50; i++) buckets.take(`later-${i}`);
    expect(buckets.take("hot").allowed).toBe(false);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new TokenBuckets({ perMinute: 0 })).toThrow(RangeError);
  });
});
