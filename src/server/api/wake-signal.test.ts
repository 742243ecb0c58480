import { describe, expect, it } from "vitest";
import { WakeSignal } from "./wake-signal.js";

describe("WakeSignal", () => {
  it("returns on a wake, keeps wakes that came while busy (once for all), else waits out the timeout", async () => {
    const signal = new WakeSignal();
    const never = new AbortController().signal;
    const waiting = signal.wait(10_000, never);
    signal.wake();
    expect(await waiting).toBe(true);
    signal.wake();
    signal.wake();
    expect(await signal.wait(10_000, never)).toBe(true);
    const started = Date.now();
    expect(await signal.wait(50, never)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("returns when aborted", async () => {
    const signal = new WakeSignal();
    const stop = new AbortController();
    const waiting = signal.wait(10_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await signal.wait(10_000, stop.signal)).toBe(false);
  });
});
