import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Reading workers kept between documents. Starting one costs more than
 * reading most documents: the thread, the readers' modules (PDF.js alone is
 * some 150 ms of CPU to compile) and their code run cold, every time
 * (bench/ingest.ts measures it). So a worker that read a document to its end
 * waits `keepAliveMs` for the next one, and `readInWorker` takes it rather
 * than starting another. One that went past a limit, failed or was aborted
 * is terminated, never kept: its memory goes with it; so is one whose heap
 * grew past `keptHeapBytes`.
 *
 * A kept worker holds no document's data (the readers keep nothing between
 * documents; their garbage is collected in its heap, whose limit is the
 * one it was started with: only a reading with the same `memoryMb` takes it),
 * does not keep the process alive (unref'd), and is terminated once idle for `keepAliveMs`.
 */
export const defaultKeepAliveMs = 10_000;

/**
 * Largest JS heap (garbage included) a worker may hold when done to be kept:
 * reading ordinary documents leaves 12–35 MiB; one that grew past this was
 * a large reading, and its memory is given back at once rather than held idle.
 */
export const keptHeapBytes = 64 * 2 ** 20;

interface Idle {
  worker: Worker;
  memoryMb: number;
  timer: NodeJS.Timeout;
}

const idle: Idle[] = [];

/** An idle worker started with this heap limit, or a new one. */
export function takeReadingWorker(memoryMb: number): Worker {
  const at = idle.findIndex((entry) => entry.memoryMb === memoryMb);
  if (at < 0) return startWorker(memoryMb);
  const [entry] = idle.splice(at, 1);
  clearTimeout(entry!.timer);
  entry!.worker.ref();
  return entry!.worker;
}

/** Keeps `worker` (idle, having read a document to its end) for `keepAliveMs`, up to `max` idle ones. */
export function keepReadingWorker(worker: Worker, memoryMb: number, keepAliveMs: number, max: number): void {
  if (keepAliveMs <= 0 || idle.length >= max) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const timer = setTimeout(() => {
    const at = idle.findIndex((entry) => entry.worker === worker);
    if (at >= 0) idle.splice(at, 1);
    void worker.terminate();
  }, keepAliveMs);
  timer.unref();
  idle.push({ worker, memoryMb, timer });
}

/** How many workers wait for a document now (those with this heap limit, when given). */
export function idleReadingWorkers(memoryMb?: number): number {
  return idle.filter((entry) => memoryMb === undefined || entry.memoryMb === memoryMb).length;
}

/**
 * A worker running `reading-worker`: the compiled `.js` beside this file in
 * `dist/`; from `src/` (tsx, vitest) the `.ts` through tsx's require hook,
 * since on Node 20 module loader hooks do not reach worker threads. An idle
 * worker that fails or exits leaves the pool (a failure while reading is the
 * reading's to report: `readInWorker` listens too).
 */
function startWorker(memoryMb: number): Worker {
  const options: WorkerOptions = { resourceLimits: { maxOldGenerationSizeMb: memoryMb } };
  let worker: Worker;
  if (!import.meta.url.endsWith(".ts")) {
    worker = new Worker(new URL("./reading-worker.js", import.meta.url), options);
  } else {
    const tsx = createRequire(import.meta.url).resolve("tsx/cjs");
    const entry = fileURLToPath(new URL("./reading-worker.ts", import.meta.url));
    const lower = fileURLToPath(new URL("./lower-thread-priority.ts", import.meta.url));
    // The priority first: compiling the reader is background work too.
    const code = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(lower)}).lowerThreadPriority(); require(${JSON.stringify(entry)});`;
    worker = new Worker(code, { ...options, eval: true });
  }
  const leave = () => {
    const at = idle.findIndex((entry) => entry.worker === worker);
    if (at >= 0) {
      clearTimeout(idle[at]!.timer);
      idle.splice(at, 1);
    }
  };
  worker.on("error", leave);
  worker.on("exit", leave);
  return worker;
}
