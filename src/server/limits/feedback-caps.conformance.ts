/**
 * The `FeedbackCapStore` conformance suite (src/spec/feedback-caps.ts), run
 * by every implementation's test file. `open` returns two handles on one set
 * of counts: two replicas' for a shared store, the same object twice for one
 * process's.
 */
import { describe, expect, it } from "vitest";
import type { FeedbackCapStore } from "../../spec/feedback-caps.js";
import { closeAfterEach } from "./close-after-each.conformance.js";

export function describeFeedbackCapsConformance(
  name: string,
  open: () => Promise<[FeedbackCapStore, FeedbackCapStore]>,
): void {
  describe(`feedback caps conformance: ${name}`, () => {
    const closeLater = closeAfterEach<FeedbackCapStore>();
    const handles = async () => {
      const pair = await open();
      closeLater(pair);
      return pair;
    };
    const day = "2026-12-06";
    const caps = { perVisitor: 2, perAddress: 3 };

    it("caps a visitor per day, counts an answer once, and starts afresh the next day", async () => {
      const [a, b] = await handles();
      expect(await a.admit(day, "ana", "203.0.113.7", "a1", caps)).toBe(true);
      expect(await b.admit(day, "ana", "203.0.113.7", "a1", caps)).toBe(true); // the same answer again
      expect(await b.admit(day, "ana", "203.0.113.7", "a2", caps)).toBe(true);
      expect(await a.admit(day, "ana", "198.51.100.1", "a3", caps)).toBe(false); // from anywhere
      expect(await a.admit(day, "ana", "203.0.113.7", "a2", caps)).toBe(true); // already counted
      expect(await b.admit("2026-12-07", "ana", "203.0.113.7", "a3", caps)).toBe(true);
    });

    it("caps one address over all its visitors, and counts one answer once for it", async () => {
      const [a, b] = await handles();
      expect(await a.admit(day, "v0", "2001:db8::/64", "m0", caps)).toBe(true);
      expect(await b.admit(day, "v1", "2001:db8::/64", "m0", caps)).toBe(true); // same answer, same address
      const more = [];
      for (let i = 1; i < 6; i++)
        more.push(await (i % 2 ? a : b).admit(day, `v${i}`, "2001:db8::/64", `m${i}`, caps));
      expect(more.filter(Boolean)).toHaveLength(2);
      expect(await a.admit(day, "other", "198.51.100.1", "x", caps)).toBe(true);
    });

    it("never counts past a cap when both handles admit at once", async () => {
      const [a, b] = await handles();
      const wide = { perVisitor: 100, perAddress: 7 };
      const admitted = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 ? a : b).admit(day, `v${i % 5}`, "192.0.2.9", `r${i}`, wide),
        ),
      );
      expect(admitted.filter(Boolean)).toHaveLength(7);
    });
  });
}
