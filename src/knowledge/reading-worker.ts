/**
 * Entry of a reading worker thread (started by `readInWorker`): for each
 * `ReadRequest` posted to it, one at a time, reads the document and posts
 * its chunks in batches, its progress at most every 100 ms, then `done` or
 * `error`. The thread stays for the next document until the starting thread
 * terminates it, which it also does whenever a document takes too much memory or time.
 */
import { getHeapStatistics } from "node:v8";
import { type MessagePort, parentPort } from "node:worker_threads";
import type { ChunkInput } from "../spec/knowledge.js";
import { lowerThreadPriority } from "./lower-thread-priority.js";
import type { DocumentUsage } from "./read-budget.js";
import { type ReadRequest, readDocument } from "./read-document.js";
import { type ReadingWorkerMessage, sendError } from "./reading-worker-messages.js";

const batchSize = 256;
const progressEveryMs = 100;

async function read(port: MessagePort, request: ReadRequest): Promise<void> {
  const post = (message: ReadingWorkerMessage) => port.postMessage(message);
  let batch: ChunkInput[] = [];
  let lastProgress = 0;
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: "chunks", chunks: batch });
    batch = [];
  };
  try {
    const usage = await readDocument(request, {
      chunk(chunk) {
        batch.push(chunk);
        if (batch.length >= batchSize) flush();
      },
      progress(now: DocumentUsage) {
        if (Date.now() - lastProgress < progressEveryMs) return;
        lastProgress = Date.now();
        flush();
        post({ type: "progress", usage: { ...now } });
      },
    });
    flush();
    post({ type: "done", usage, heapBytes: getHeapStatistics().used_heap_size });
  } catch (error) {
    post({ type: "error", error: sendError(error) });
  }
}

if (parentPort) {
  lowerThreadPriority();
  const port = parentPort;
  port.on("message", (request: ReadRequest) => void read(port, request));
}
