import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

/**
 * What held a server's event loop during a measured window, for explaining a
 * latency tail: V8's GC pauses (from `gc` performance entries: each is a
 * stop-the-world pause of the JS thread) and the event loop's delay (how late
 * a 1 ms timer fired: any synchronous piece longer than that shows, GC or
 * not). All durations in ms.
 */
export interface TailProbeReport {
  windowMs: number;
  gc: {
    count: number;
    totalMs: number;
    maxMs: number;
    /** Pauses of `count` by kind: scavenge (young generation), mark-compact (full), incremental, weak callbacks. */
    byKind: Record<string, { count: number; totalMs: number; maxMs: number }>;
  };
  /** How late the loop ran a 1 ms timer: median, p99 and max. */
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
}

const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "mark-compact",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};

/** Starts recording in this process; `stop()` ends it and returns the figures. */
export function startTailProbe(): { stop(): TailProbeReport } {
  const pauses: { kind: string; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: { kind?: number } }).detail?.kind ?? -1) as number;
      pauses.push({ kind: kinds[kind] ?? `kind ${kind}`, ms: entry.duration });
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  return {
    stop() {
      delay.disable();
      observer.disconnect();
      const byKind: TailProbeReport["gc"]["byKind"] = {};
      for (const { kind, ms } of pauses) {
        const k = byKind[kind] ?? { count: 0, totalMs: 0, maxMs: 0 };
        byKind[kind] = k;
        k.count++;
        k.totalMs += ms;
        k.maxMs = Math.max(k.maxMs, ms);
      }
      const ms = (ns: number) => ns / 1e6;
      return {
        windowMs: performance.now() - started,
        gc: {
          count: pauses.length,
          totalMs: pauses.reduce((a, p) => a + p.ms, 0),
          maxMs: Math.max(0, ...pauses.map((p) => p.ms)),
          byKind,
        },
        loopDelay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) },
      };
    },
  };
}
