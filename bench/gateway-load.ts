/**
 * The load generator of bench/gateway.ts, run as its child process: open-loop
 * HTTP load at a fixed arrival rate, over keep-alive connections.
 *
 * Open loop: request i is due at start + i / rate whether or not earlier ones
 * have been answered, so a slow server meets more concurrent requests rather
 * than fewer (a closed loop would hide its slowness). Timers fire about once a
 * millisecond; every due request is sent then. Latency runs from the moment a
 * request is written to the moment its response has been read entirely; how
 * late requests left against their schedule is reported beside it.
 */
import { Agent, request } from "node:http";

export interface LoadJob {
  url: string;
  body: string;
  /** Sent with every request (the API key). */
  headers?: Record<string, string>;
  /** Requests per second. */
  rate: number;
  seconds: number;
}

export interface LoadResult {
  /** Milliseconds, one per answered request, in order of sending. */
  latencies: number[];
  sent: number;
  failed: number;
  /** How late the last request left against its schedule, in ms. */
  maxLagMs: number;
  elapsedMs: number;
  /** The first failure, for the report. */
  error?: string;
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const body = Buffer.from(job.body);
  const total = Math.max(1, Math.round(job.rate * job.seconds));
  const interval = 1000 / job.rate;
  const latencies: number[] = [];
  let sent = 0;
  let done = 0;
  let failed = 0;
  let maxLagMs = 0;
  let error: string | undefined;
  const started = performance.now();

  return new Promise((resolve) => {
    const finish = () => {
      if (done < total) return;
      agent.destroy();
      resolve({ latencies, sent, failed, maxLagMs, elapsedMs: performance.now() - started, error });
    };
    const fail = (message: string) => {
      failed++;
      error ??= message;
      done++;
      finish();
    };
    const send = () => {
      const t0 = performance.now();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { ...job.headers, "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => {
            if (res.statusCode === 200) {
              latencies.push(performance.now() - t0);
              done++;
              finish();
            } else fail(`HTTP ${res.statusCode}`);
          });
        },
      );
      req.on("error", (e) => fail(e.message));
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * interval <= now) {
        maxLagMs = Math.max(maxLagMs, now - (started + sent * interval));
        sent++;
        send();
      }
      if (sent < total) setTimeout(tick, Math.min(1, Math.max(0, started + sent * interval - now)));
    };
    tick();
  });
}

process.on("message", (job: LoadJob) => {
  void runLoad(job).then((result) => process.send?.(result));
});
