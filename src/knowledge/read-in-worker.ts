import type { ChunkInput } from "../spec/knowledge.js";
import { IngestLimitError } from "./ingest-limit-error.js";
import type { DocumentUsage } from "./read-budget.js";
import type { ReadRequest } from "./read-document.js";
import { type ReadingWorkerMessage, receiveError } from "./reading-worker-messages.js";
import {
  defaultKeepAliveMs,
  keepReadingWorker,
  keptHeapBytes,
  takeReadingWorker,
} from "./reading-worker-pool.js";

export interface WorkerReadOptions {
  /** Wall time for the document, in ms, from when its worker is started or taken from the idle ones. */
  timeoutMs: number;
  /** Its worker's JS heap limit, and how far this process's resident memory may grow while it runs, in MiB. */
  memoryMb: number;
  /** Documents read at once in this process; a call waits for its turn past it. */
  concurrency: number;
  /** How long a worker that read a document to its end waits for the next one (`reading-worker-pool.ts`). */
  keepAliveMs?: number;
  signal?: AbortSignal;
  onProgress?: (usage: DocumentUsage) => void;
}

export interface DocumentRead {
  /** In reading order, numbered from 0. */
  chunks: ChunkInput[];
  usage: DocumentUsage;
}

/** How often the memory of a running reading is checked, in ms. */
const memoryCheckMs = 20;

/**
 * Reads a document (`readDocument`) in a worker thread, one at a time, at a
 * lower CPU priority (`lowerThreadPriority`), so that parsing never holds
 * this thread's event loop nor takes its CPU, and whatever the document
 * costs is bounded: past `timeoutMs`, or when the worker's heap or this
 * process's resident memory grows past `memoryMb`, the worker is terminated
 * (its memory goes with it) and the call rejects with `IngestLimitError`
 * (`timeoutMs`, `memoryMb`). The document's own failures are rethrown as
 * `readDocument` threw them. At most `concurrency` readings run at once.
 * A worker that read its document to the end with a heap under
 * `keptHeapBytes` is kept for the next one (`keepAliveMs`, default 10 s):
 * starting one costs more than most documents.
 */
export async function readInWorker(request: ReadRequest, options: WorkerReadOptions): Promise<DocumentRead> {
  const release = await turns.take(options.concurrency);
  try {
    options.signal?.throwIfAborted();
    return await runWorker(request, options);
  } finally {
    release();
  }
}

function runWorker(request: ReadRequest, options: WorkerReadOptions): Promise<DocumentRead> {
  const { uri } = request.budget;
  const memoryError = () =>
    new IngestLimitError(
      "memoryMb",
      uri,
      `reading it needed more than ${options.memoryMb} MiB of memory, the limit for one document`,
    );
  return new Promise((resolve, reject) => {
    const chunks: ChunkInput[] = [];
    const baseline = process.memoryUsage.rss();
    const worker = takeReadingWorker(options.memoryMb);
    let settled = false;
    /** `heapBytes`: what the worker's heap held when it was done (a large one is not kept). */
    const finish = (error: unknown, usage?: DocumentUsage, heapBytes = Number.POSITIVE_INFINITY) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(watch);
      options.signal?.removeEventListener("abort", onAbort);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (usage) {
        const keepAliveMs = heapBytes <= keptHeapBytes ? (options.keepAliveMs ?? defaultKeepAliveMs) : 0;
        keepReadingWorker(worker, options.memoryMb, keepAliveMs, options.concurrency);
        resolve({ chunks, usage });
      } else {
        void worker.terminate();
        reject(error);
      }
    };
    const deadline = setTimeout(
      () =>
        finish(
          new IngestLimitError(
            "timeoutMs",
            uri,
            `reading it took longer than ${formatSeconds(options.timeoutMs)}, the limit for one document`,
          ),
        ),
      options.timeoutMs,
    );
    const watch = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > options.memoryMb * 2 ** 20) finish(memoryError());
    }, memoryCheckMs);
    const onAbort = () => finish(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const onMessage = (message: ReadingWorkerMessage) => {
      if (message.type === "chunks") for (const chunk of message.chunks) chunks.push(chunk);
      else if (message.type === "progress") options.onProgress?.(message.usage);
      else if (message.type === "done") finish(undefined, message.usage, message.heapBytes);
      else finish(receiveError(message.error));
    };
    const onError = (error: NodeJS.ErrnoException) =>
      finish(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? memoryError() : error);
    const onExit = (code: number) =>
      finish(new Error(`the reading worker stopped (exit code ${code}) before it finished`));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(request);
  });
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Turns to read: at most `max` at once, the others wait in order. */
const turns = {
  running: 0,
  waiting: [] as (() => void)[],
  async take(max: number): Promise<() => void> {
    while (this.running >= max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.();
    };
  },
};
