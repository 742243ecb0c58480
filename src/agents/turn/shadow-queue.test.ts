import { describe, expect, it } from "vitest";
import { ShadowQueue } from "./shadow-queue.js";

describe("ShadowQueue", () => {
  it("runs at most `concurrency` jobs, queues `waiting` more, refuses the rest, and drains", async () => {
    const queue = new ShadowQueue({ concurrency: 1, waiting: 1 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ran: number[] = [];
    const job = (n: number) => async () => {
      ran.push(n);
      await gate;
    };
    expect(queue.submit(job(1))).toBe(true);
    expect(queue.submit(job(2))).toBe(true);
    expect(queue.submit(job(3))).toBe(false);
    expect(ran).toEqual([1]);
    release();
    await queue.idle();
    expect(ran).toEqual([1, 2]);
    // A failing job is its own business: the queue goes on.
    expect(queue.submit(async () => Promise.reject(new Error("teacher down")))).toBe(true);
    await queue.idle();
    expect(queue.submit(job(4))).toBe(true);
    await queue.idle();
    expect(ran).toEqual([1, 2, 4]);
  });

  it("aborts running jobs on close and refuses new ones", async () => {
    const queue = new ShadowQueue({ concurrency: 1, waiting: 4 });
    let seen: AbortSignal | undefined;
    queue.submit(
      (signal) =>
        new Promise<void>((resolve) => {
          seen = signal;
          signal.addEventListener("abort", () => resolve());
        }),
    );
    queue.close();
    await queue.idle();
    expect(seen?.aborted).toBe(true);
    expect(queue.submit(async () => {})).toBe(false);
  });
});
