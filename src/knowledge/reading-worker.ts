/**
 * Entry of a reading worker thread (started by `readInWorker`): reads the
 * document of `workerData` (a `ReadRequest`) and posts its chunks in batches,
 * its progress at most every 100 ms, then `done` or `error`. Whatever the
 * document does to this thread (memory, time), the starting thread stops it.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ChunkInput } from "../spec/knowledge.js";
import { lowerThreadPriority } from "./lower-thread-priority.js";
import type { DocumentUsage } from "./read-budget.js";
import { type ReadRequest, readDocument } from "./read-document.js";
import { type ReadingWorkerMessage, sendError } from "./reading-worker-messages.js";

const batchSize = 256;
const progressEveryMs = 100;

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (message: ReadingWorkerMessage) => port.postMessage(message);
  let batch: ChunkInput[] = [];
  let lastProgress = 0;
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: "chunks", chunks: batch });
    batch = [];
  };
  try {
    const usage = await readDocument(workerData as ReadRequest, {
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
    post({ type: "done", usage });
  } catch (error) {
    post({ type: "error", error: sendError(error) });
  }
}

if (parentPort) {
  lowerThreadPriority();
  void main(parentPort);
}
