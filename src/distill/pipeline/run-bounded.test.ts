import { describe, expect, it } from "vitest";
import { pagedFeed, runBounded } from "./run-bounded.js";

describe("runBounded over a pagedFeed", () => {
  it("processes every item once, never more than `concurrency` at a time", async () => {
    const items = Array.from({ length: 103 }, (_, i) => i);
    let pages = 0;
    const next = pagedFeed(
      async (after, limit) => {
        pages++;
        return items.filter((i) => i > after).slice(0, limit);
      },
      (i) => i,
      10,
    );
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    await runBounded(
      4,
      next,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, i % 3));
        seen.push(i);
        inFlight--;
      },
      new AbortController().signal,
    );
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    expect(most).toBe(4);
    expect(pages).toBe(12);
  });

  it("starts nothing new once the signal aborts", async () => {
    const controller = new AbortController();
    let started = 0;
    const next = pagedFeed(
      async (after, limit) => Array.from({ length: limit }, (_, i) => after + 1 + i),
      (i) => i,
    );
    await runBounded(
      2,
      next,
      async () => {
        started++;
        if (started === 5) controller.abort();
        await new Promise((r) => setTimeout(r, 1));
      },
      controller.signal,
    );
    expect(started).toBeGreaterThanOrEqual(5);
    expect(started).toBeLessThanOrEqual(6);
  });
});
