import { Worker } from "node:worker_threads";

/**
 * Measured memory bandwidth: `threads` worker threads, each copying a 256 MiB
 * buffer into another (far beyond any cache) for `seconds`, at the same time.
 * Returns the memory traffic in bytes per second: every copied byte is read
 * once and written once, so twice the bytes copied. This is what the machine
 * moves now (a shared VM: other processes' traffic and CPU time included), the
 * reference for a decode rate bounded by reading the weights.
 */
export async function copyBandwidth(threads: number, seconds = 1.5): Promise<number> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const size = 256 * 1024 * 1024;
    const a = Buffer.alloc(size, 1);
    const b = Buffer.alloc(size);
    a.copy(b); // touch every page first
    const start = performance.now();
    let copies = 0;
    while (performance.now() - start < workerData.seconds * 1000) {
      (copies % 2 === 0 ? a : b).copy(copies % 2 === 0 ? b : a);
      copies++;
    }
    parentPort.postMessage((2 * copies * size) / ((performance.now() - start) / 1000));
  `;
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(source, { eval: true, workerData: { seconds } });
          worker.once("message", (rate: number) => {
            resolve(rate);
            void worker.terminate();
          });
          worker.once("error", reject);
        }),
    ),
  );
  return rates.reduce((sum, rate) => sum + rate, 0);
}
