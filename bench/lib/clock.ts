/**
 * Wall time and the process's CPU time (user + system, every thread: the JS
 * thread and llama.cpp's workers alike) since `startClock()`, in milliseconds.
 *
 * CPU time is the steadier of the two on a shared machine: time spent waiting
 * for a core that another process holds counts in wall time only. It misses
 * time spent idle on purpose (timers, waiting on I/O), so it complements the
 * wall clock and never replaces it.
 */
export interface Clock {
  stop(): { ms: number; cpuMs: number };
}

export function startClock(): Clock {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    stop() {
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}
