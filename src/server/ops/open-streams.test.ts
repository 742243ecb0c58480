import { describe, expect, it } from "vitest";
import { OpenStreams } from "./open-streams.js";

describe("OpenStreams", () => {
  it("interrupts the open streams on shutdown, and any stream opened after it at once", async () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    const closeA = streams.open(() => ended.push("a"));
    streams.interruptAll();
    expect(ended).toEqual(["a"]);
    closeA();
    // A stream that was waiting for a slot and opens now: it must end with [DONE] rather than run.
    streams.open(() => ended.push("late"));
    await Promise.resolve();
    expect(ended).toEqual(["a", "late"]);
  });
});
