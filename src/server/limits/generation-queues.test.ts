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

  it("gives a freed slot to the waiting tenant that holds the fewest, ties in turn, each tenant's oldest first", async () => {
    const queues = new GenerationQueues({ defaults: { concurrency: 2, maxWaiting: 8 } });
    const a1 = await granted(queues.acquire("m", undefined, "a"));
    const a2 = await granted(queues.acquire("m", undefined, "a"));
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    for (const [tenant, name] of [
      ["a", "a3"],
      ["a", "a4"],
      ["b", "b1"],
      ["b", "b2"],
      ["c", "c1"],
    ] as const) {
      void granted(queues.acquire("m", undefined, tenant)).then((release) => {
        order.push(name);
        releases.set(name, release);
      });
    }
    const next = async (release: (() => void) | undefined) => {
      release?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
      return order.at(-1);
    };
    expect(await next(a1)).toBe("b1"); // a holds one, b and c none: b, the first of them to wait
    expect(await next(a2)).toBe("a3"); // a, b's turn over: a and c hold none, a waited first
    expect(await next(releases.get("b1"))).toBe("c1"); // b and c hold none: c, in turn before b
    expect(await next(releases.get("a3"))).toBe("b2");
    expect(await next(releases.get("c1"))).toBe("a4");
    expect(queues.snapshot()[0]).toMatchObject({ running: 2, waiting: 0 });
  });

  it("lets another tenant into a line one tenant filled, refusing that tenant's newest waiter instead", async () => {
    const queues = new GenerationQueues({ defaults: { concurrency: 1, maxWaiting: 4 } });
    await granted(queues.acquire("m", undefined, "flood"));
    const flood = Array.from({ length: 4 }, () => queues.acquire("m", undefined, "flood"));
    // Alone, a tenant may fill the whole line; its next request is refused.
    expect((await queues.acquire("m", undefined, "flood")).ok).toBe(false);
    const b1 = queues.acquire("m", undefined, "b");
    expect(await flood[3]).toMatchObject({ ok: false, running: 1 });
    const b2 = queues.acquire("m", undefined, "b");
    expect(await flood[2]).toMatchObject({ ok: false });
    // Two each: an even share. b's third is refused, and flood keeps its two places.
    expect((await queues.acquire("m", undefined, "b")).ok).toBe(false);
    expect(queues.snapshot()[0]).toMatchObject({ running: 1, waiting: 4 });
    queues.rejectWaiting(new Error("stop"));
    for (const request of [flood[0], flood[1], b1, b2]) await expect(request).rejects.toThrow("stop");
  });
});
