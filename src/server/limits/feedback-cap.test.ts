import { describe, expect, it } from "vitest";
import { FeedbackCap } from "./feedback-cap.js";

describe("FeedbackCap", () => {
  it("admits a visitor's thumbs down up to its cap per day, counts an answer once, and starts afresh the next day", async () => {
    let now = new Date("2026-12-06T10:00:00Z");
    const cap = new FeedbackCap({ perVisitor: 2, perAddress: 10 }, () => now);
    expect(await cap.admit("ana", "203.0.113.7", "a1")).toBe(true);
    expect(await cap.admit("ana", "203.0.113.7", "a1")).toBe(true);
    expect(await cap.admit("ana", "203.0.113.7", "a2")).toBe(true);
    expect(await cap.admit("ana", "203.0.113.7", "a3")).toBe(false);
    // Already counted: rating it again is no new weight.
    expect(await cap.admit("ana", "203.0.113.7", "a2")).toBe(true);
    expect(await cap.admit("eve", "203.0.113.7", "e1")).toBe(true);
    now = new Date("2026-12-07T00:00:01Z");
    expect(await cap.admit("ana", "203.0.113.7", "a3")).toBe(true);
  });

  it("caps one address over all its visitors, however many sessions it opens", async () => {
    const cap = new FeedbackCap({ perVisitor: 2, perAddress: 3 });
    const admitted: boolean[] = [];
    for (let i = 0; i < 10; i++) admitted.push(await cap.admit(`v${i}`, "2001:db8::/64", `m${i}`));
    expect(admitted.filter(Boolean)).toHaveLength(3);
    expect(await cap.admit("other", "198.51.100.1", "x")).toBe(true);
  });
});
