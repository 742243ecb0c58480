/**
 * Open-loop agent turns for bench/ingest.ts: one `POST /v1/chat/completions`
 * due every `1000 / rate` ms whatever the earlier ones are doing, each
 * timed from when it was due (not from when it could be sent), so that a
 * server that stalls shows the stall in every turn it delayed; a closed loop
 * of a few clients would send nothing while stalled and hide it. Each turn
 * is a new customer's first message (`user` unique), over keep-alive
 * connections to 127.0.0.1 only.
 */
import { Agent, request } from "node:http";
import type { Endpoint } from "./ingest-http.js";

export interface OpenLoop {
  /** Stops sending; resolves with the latencies (ms) of the turns answered 200, once all sent are answered. */
  stop(): Promise<{ latencies: number[]; failed: number; error?: string }>;
}

export function openLoop(
  endpoint: Endpoint,
  agent: string,
  rate: number,
  questions: readonly string[],
): OpenLoop {
  const url = new URL(endpoint.origin);
  if (url.hostname !== "127.0.0.1") throw new Error(`benchmarks load 127.0.0.1 only, not ${url.hostname}`);
  const pool = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let failed = 0;
  let error: string | undefined;
  let stopped = false;
  const started = performance.now();
  const interval = 1000 / rate;
  const tag = `${process.pid}-${Math.round(started)}`;

  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const payload = Buffer.from(
        JSON.stringify({
          model: `agent:${agent}`,
          user: `open-${tag}-${i}`,
          messages: [{ role: "user", content: questions[i % questions.length] }],
        }),
      );
      const fail = (message: string) => {
        failed++;
        error ??= message;
        resolve();
      };
      const req = request(
        {
          agent: pool,
          host: url.hostname,
          port: url.port,
          path: "/v1/chat/completions",
          method: "POST",
          headers: {
            authorization: `Bearer ${endpoint.apiKey}`,
            "content-type": "application/json",
            "content-length": payload.length,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) {
              latencies.push(performance.now() - due);
              resolve();
            } else fail(`HTTP ${res.statusCode}`);
          });
        },
      );
      req.on("error", (e) => fail(e.message));
      req.end(payload);
    });

  let i = 0;
  const tick = () => {
    if (stopped) return;
    const now = performance.now();
    // Every turn due by now is sent, each timed from its own due time.
    for (; started + i * interval <= now; i++) {
      const sent = send(i, started + i * interval);
      pending.add(sent);
      void sent.then(() => pending.delete(sent));
    }
    timer = setTimeout(tick, Math.max(0, started + i * interval - performance.now()));
  };
  let timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(pending);
      pool.destroy();
      return { latencies, failed, ...(error ? { error } : {}) };
    },
  };
}
