/**
 * The `RateLimitStore` conformance suite (src/spec/rate-limits.ts), run by
 * every implementation's test file:
 *
 *   describeRateLimitsConformance("memory", async () => { const s = new MemoryRateLimits(); return [s, s]; });
 *
 * `open` returns two handles on one set of buckets: two replicas' for a
 * shared store, the same object twice for one process's. Time is real (a
 * shared store uses its server's clock): rates are chosen so that the
 * milliseconds a case takes cannot refill a token, except where a case waits
 * for one.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { RateBucket, RateLimitStore } from "../../spec/rate-limits.js";
import { closeAfterEach } from "./close-after-each.conformance.js";

export function describeRateLimitsConformance(
  name: string,
  open: () => Promise<[RateLimitStore, RateLimitStore]>,
): void {
  describe(`rate limits conformance: ${name}`, () => {
    const closeLater = closeAfterEach<RateLimitStore>();
    const handles = async () => {
      const pair = await open();
      closeLater(pair);
      return pair;
    };
    const slow = (burst: number, scope = "key"): RateBucket => ({ scope, perMinute: 1, burst });

    it("lets a burst through, counting down, then refuses with the wait for one token", async () => {
      const [a] = await handles();
      const bucket = slow(3);
      const takes = [];
      for (let i = 0; i < 4; i++) takes.push(await a.take(bucket, "k"));
      expect(takes.map((t) => [t.allowed, t.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      expect(takes[0]!.retryAfterMs).toBe(0);
      // One token a minute: the next is about a minute away (less the few ms the case took).
      expect(takes[3]!.retryAfterMs).toBeGreaterThan(55_000);
      expect(takes[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it("keeps keys and scopes apart", async () => {
      const [a] = await handles();
      expect((await a.take(slow(1), "k")).allowed).toBe(true);
      expect((await a.take(slow(1), "k")).allowed).toBe(false);
      expect((await a.take(slow(1), "other")).allowed).toBe(true);
      expect((await a.take(slow(1, "visitor"), "k")).allowed).toBe(true);
    });

    it("refills continuously at perMinute", async () => {
      const [a] = await handles();
      const fast: RateBucket = { scope: "key", perMinute: 600, burst: 2 }; // a token every 100 ms
      expect((await a.take(fast, "k")).allowed).toBe(true);
      expect((await a.take(fast, "k")).allowed).toBe(true);
      const refused = await a.take(fast, "k");
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
      await sleep(refused.retryAfterMs + 60);
      expect((await a.take(fast, "k")).allowed).toBe(true);
    });

    it("takes several tokens at once or none; a take larger than the bucket never passes", async () => {
      const [a] = await handles();
      const bucket = slow(5);
      expect(await a.take(bucket, "k", 3)).toMatchObject({ allowed: true, remaining: 2 });
      const refused = await a.take(bucket, "k", 3);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(55_000); // one token short, a minute each
      expect(await a.take(bucket, "k", 2)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await a.take(slow(5), "fresh", 6)).allowed).toBe(false);
      expect(await a.take(slow(5), "fresh", 5)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it("never spends a token twice when both handles take at once", async () => {
      const [a, b] = await handles();
      const bucket = slow(20, "burst");
      const takes = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).take(bucket, "shared")),
      );
      expect(takes.filter((t) => t.allowed)).toHaveLength(20);
      const remaining = takes.filter((t) => t.allowed).map((t) => t.remaining);
      expect(new Set(remaining).size).toBe(20); // each allowed take saw its own count: 19…0
    });
  });
}
