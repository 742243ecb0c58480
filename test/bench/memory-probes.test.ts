/**
 * The probes and the memory verdict of bench/agent-turns.ts (benches are
 * programs, but a verdict that cannot tell a bounded cache from a leak would
 * be a wrong claim in the README): real /proc, real GC, real event loop.
 */
import { describe, expect, it } from "vitest";
import type { MemoryResult, PartSlopes } from "../../bench/agent-turns-memory.js";
import { memoryVerdict } from "../../bench/agent-turns-report.js";
import { processMemory } from "../../bench/lib/process-memory.js";
import { slope } from "../../bench/lib/slope.js";
import { startTailProbe } from "../../bench/lib/tail-probe.js";

const flat: PartSlopes = {
  rss: 0.2,
  anonymous: 0.2,
  file: 0,
  v8Heap: 0.1,
  heapUsed: 0.01,
  native: 0.1,
  external: 0,
};
const result = (over: Partial<MemoryResult>): MemoryResult => ({
  fillConversations: 6000,
  cacheFull: true,
  pageCacheMiB: 15.6,
  secondHalf: flat,
  whole: flat,
  dbBytesPerTurn: 2150,
  dbFileBytesPerTurn: 2150,
  cpuMsPerTurn: 3,
  ...over,
});

describe("memoryVerdict", () => {
  it("passes a flat RSS once the page cache is full over 10,000 conversations", () => {
    const verdict = memoryVerdict(result({}), 10_000);
    expect(verdict).toMatchObject({ ok: true, judged: true });
    expect(verdict.line).toContain("+0.20 MiB per 1,000");
  });

  it("fails a growing RSS and names the part that grows", () => {
    const growing = { ...flat, rss: 3.1, anonymous: 3.1, native: 2.9 };
    const verdict = memoryVerdict(result({ secondHalf: growing }), 10_000);
    expect(verdict).toMatchObject({ ok: false, judged: true });
    expect(verdict.line).toContain("most from native (malloc) (+2.90)");
  });

  it("judges nothing while the page cache may still be filling, or over fewer conversations", () => {
    const filling = memoryVerdict(result({ cacheFull: false }), 10_000);
    expect(filling.judged).toBe(false);
    expect(filling.line).toContain("did not outgrow the page cache cap");
    expect(memoryVerdict(result({}), 1000).judged).toBe(false);
  });
});

describe("processMemory", () => {
  it("splits the RSS into anonymous and file-backed, and sees a native allocation", () => {
    const before = processMemory();
    expect(before.anonymousBytes + before.fileBytes).toBe(before.rssBytes);
    expect(before.v8HeapBytes).toBeGreaterThan(0);
    // 64 MiB outside the V8 heap, touched so that it is resident.
    const buffer = Buffer.alloc(64 * 1024 * 1024, 1);
    const after = processMemory();
    // Within 1 MiB: allocating 64 MiB outside the heap may start a GC that frees other external memory
    // (a full run saw 26 KB less than the buffer).
    expect(after.externalBytes - before.externalBytes).toBeGreaterThan(buffer.length - 1024 * 1024);
    expect(after.nativeBytes - before.nativeBytes).toBeGreaterThan(48 * 1024 * 1024);
    expect(after.fileBytes - before.fileBytes).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("startTailProbe", () => {
  it("records GC pauses and a blocked event loop", async () => {
    const probe = startTailProbe();
    let kept: number[][] = [];
    for (let i = 0; i < 200; i++) kept.push(Array.from({ length: 10_000 }, (_, j) => j));
    kept = [];
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = performance.now() + 60;
    while (performance.now() < until); // the loop blocked for 60 ms
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = probe.stop();
    expect(report.gc.count).toBeGreaterThan(0);
    expect(report.gc.byKind.scavenge?.count ?? 0).toBeGreaterThan(0);
    expect(report.loopDelay.maxMs).toBeGreaterThanOrEqual(50);
    expect(kept).toEqual([]);
  });
});

describe("slope", () => {
  it("is the least-squares slope, 0 for a single point", () => {
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2);
    expect(slope([[5, 1]])).toBe(0);
  });
});
