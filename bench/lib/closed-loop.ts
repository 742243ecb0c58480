/**
 * Closed-loop HTTP load: `concurrency` workers, each sending its next request
 * as soon as its previous one has been answered entirely, over keep-alive
 * connections (one socket per worker). It measures what a server sustains
 * (throughput) and what each request waits at that throughput; unlike an open
 * loop it never piles up more requests than `concurrency`.
 *
 * Latency runs from writing a request to reading the last byte of its
 * response. Only 127.0.0.1 is loaded (a benchmark sends no traffic anywhere else).
 */
import { Agent, request } from "node:http";

export interface ClosedLoopJob {
  url: string;
  headers?: Record<string, string>;
  concurrency: number;
  /** Stop sending after this long (ms)… */
  durationMs?: number;
  /** …or after this many requests, whichever comes first. One of the two is required. */
  total?: number;
  /** The body of request `i` (0-based, in order of sending), sent by worker `worker`. */
  body: (i: number, worker: number) => string;
}

export interface ClosedLoopResult {
  /** Milliseconds, one per request answered 200, in order of completion. */
  latencies: number[];
  failed: number;
  /** From the first request sent to the last response read. */
  elapsedMs: number;
  /** The first failure, for the report. */
  error?: string;
}

export async function closedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  const url = new URL(job.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`benchmarks load 127.0.0.1 only, not ${url.hostname}`);
  if (job.durationMs === undefined && job.total === undefined) throw new Error("durationMs or total");
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  let failed = 0;
  let error: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = started + (job.durationMs ?? Number.POSITIVE_INFINITY);
  const total = job.total ?? Number.POSITIVE_INFINITY;

  const send = (payload: Buffer) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const fail = (message: string) => {
        failed++;
        error ??= message;
        resolve();
      };
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { ...job.headers, "content-type": "application/json", "content-length": payload.length },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (piece: string) => {
            if (res.statusCode !== 200 && text.length < 500) text += piece;
          });
          res.on("end", () => {
            if (res.statusCode === 200) {
              latencies.push(performance.now() - t0);
              resolve();
            } else fail(`HTTP ${res.statusCode} ${text.slice(0, 300)}`);
          });
        },
      );
      req.on("error", (e) => fail(e.message));
      req.end(payload);
    });

  const worker = async (id: number) => {
    while (next < total && performance.now() < deadline) {
      const i = next++;
      await send(Buffer.from(job.body(i, id)));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, id) => worker(id)));
  agent.destroy();
  return { latencies, failed, elapsedMs: performance.now() - started, ...(error ? { error } : {}) };
}
