import { describe, expect, it } from "vitest";
import { GenerationQueues } from "./generation-queues.js";

const granted = async (p: ReturnType<GenerationQueues["acquire"]>) => {
  const result = await p;
  if (!result.ok) throw new Error("expected a slot");
  return result.release;
};

describe("GenerationQueues", () => {
  it("runs N at once, queues M in arrival order, refuses the next with a retry estimate", async () => {
    let now = 0;
    const queues = new GenerationQueues({ defaults: { concurrency: 2, maxWaiting: 2 }, now: () => now });
    const a = await granted(queues.acquire("m"));
    const b = await granted(queues.acquire("m"));
    const order: string[] = [];
    const arrival = (name: string) => (result: Awaited<ReturnType<GenerationQueues["acquire"]>>) => {
      order.push(name);
      return result;
    };
    const c = queues.acquire("m").then(arrival("c"));
    const d = queues.acquire("m").then(arrival("d"));
    const full = await queues.acquire("m");
    expect(full).toMatchObject({ ok: false, running: 2, waiting: 2 });
    // 1 s per generation assumed at first, 2 running: a place in line frees in about half a second (at least 1).
    expect(full.ok ? 0 : full.retryAfterSeconds).toBe(1);
    expect(queues.snapshot()).toEqual([
      { model: "m", running: 2, waiting: 2, limits: { concurrency: 2, maxWaiting: 2 } },
    ]);
    expect((await queues.acquire("other")).ok).toBe(true);

    now = 10;
    a();
    a(); // a second release changes nothing
    const cSlot = await c;
    expect(order).toEqual(["c"]);
    b();
    await d;
    expect(order).toEqual(["c", "d"]);
    expect(queues.snapshot()[0]).toMatchObject({ running: 2, waiting: 0 });
    if (cSlot.ok) cSlot.release();
    expect(queues.snapshot()[0]).toMatchObject({ running: 1, waiting: 0 });
  });

  it("drops a waiter whose signal aborts, and rejects it with the reason", async () => {
    const queues = new GenerationQueues({ defaults: { concurrency: 1, maxWaiting: 1 } });
    const first = await granted(queues.acquire("m"));
    const controller = new AbortController();
    const waiting = queues.acquire("m", controller.signal);
    controller.abort(new Error("client left"));
    await expect(waiting).rejects.toThrow("client left");
    expect(queues.snapshot()[0]).toMatchObject({ running: 1, waiting: 0 });
    first();
    expect(queues.snapshot()[0]).toMatchObject({ running: 0, waiting: 0 });
    await expect(queues.acquire("m", AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
  });

  it("refuses every waiting request when the server shuts down, and keeps the running ones", async () => {
    const queues = new GenerationQueues({ defaults: { concurrency: 1, maxWaiting: 4 } });
    const running = await granted(queues.acquire("m"));
    const waiting = [queues.acquire("m"), queues.acquire("m")];
    queues.rejectWaiting(new Error("shutting down"));
    for (const request of waiting) await expect(request).rejects.toThrow("shutting down");
    expect(queues.snapshot()[0]).toMatchObject({ running: 1, waiting: 0 });
    running();
    expect(queues.snapshot()[0]).toMatchObject({ running: 0, waiting: 0 });
  });

  it("applies a model's own limits over the defaults", async () => {
    const queues = new GenerationQueues({
      defaults: { concurrency: 4, maxWaiting: 16 },
      models: { big: { concurrency: 1, maxWaiting: 0 } },
    });
    await granted(queues.acquire("big"));
    expect((await queues.acquire("big")).ok).toBe(false);
  });
});
