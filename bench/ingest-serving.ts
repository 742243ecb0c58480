/**
 * Phase 3 of bench/ingest.ts: what ingesting does to the customers being
 * served. Turns arrive open-loop (ingest-open-loop.ts) at `rate` per second
 * to the demo agent while, in the `busy` window, a large PDF is uploaded to
 * that agent and a large HTML page to another, at once, and again once both
 * are answered, until the window has lasted `minWindowMs`. The `idle` window is the same length with
 * nothing ingesting. The two alternate their order round by round, each
 * upload's bytes differ from the last (so it is read and replaced again),
 * and one unmeasured busy window first brings the index to the size it keeps.
 */
import type { Document } from "./ingest-documents.js";
import { type Endpoint, upload } from "./ingest-http.js";
import { openLoop } from "./ingest-open-loop.js";

export interface ServingSample {
  window: "busy" | "idle";
  round: number;
  ms: number;
  latencies: number[];
  failed: number;
  /** Busy windows: each upload's time, ms. */
  uploads: { name: string; ms: number; chunks: number }[];
}

export interface ServingJob {
  endpoint: Endpoint;
  /** The agent the customers talk to (the PDF goes to it). */
  agent: string;
  /** Another agent of the tenant (the HTML goes to it). */
  otherAgent: string;
  rate: number;
  questions: readonly string[];
  /** The documents of round `round` (-1: the warm-up), its `pair`th upload pair; each differs from the others. */
  documents: (round: number, pair: number) => { pdf: Document; html: Document };
  /** A busy window uploads pairs until it has lasted this long (ms). */
  minWindowMs: number;
  rounds: number;
  log: (message: string) => void;
}

export async function measureServing(job: ServingJob): Promise<ServingSample[]> {
  const { endpoint, rate, questions } = job;
  const samples: ServingSample[] = [];
  const busy = async (round: number) => {
    const loop = openLoop(endpoint, job.agent, rate, questions);
    const started = performance.now();
    const uploads: ServingSample["uploads"] = [];
    // Upload pairs back to back until the window is long enough to hold enough turns.
    for (let pair = 0; pair === 0 || performance.now() - started < job.minWindowMs; pair++) {
      const { pdf, html } = job.documents(round, pair);
      const done = await Promise.all([
        upload(endpoint, job.agent, pdf),
        upload(endpoint, job.otherAgent, html),
      ]);
      uploads.push(...[pdf, html].map((doc, i) => ({ name: doc.name, ...done[i]! })));
    }
    const ms = performance.now() - started;
    const { latencies, failed } = await loop.stop();
    return { window: "busy" as const, round, ms, latencies, failed, uploads };
  };
  const idle = async (round: number, ms: number) => {
    const loop = openLoop(endpoint, job.agent, rate, questions);
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { latencies, failed } = await loop.stop();
    return { window: "idle" as const, round, ms, latencies, failed, uploads: [] };
  };
  let lastBusyMs = (await busy(-1)).ms;
  job.log(`serving: warm-up busy window ${Math.round(lastBusyMs)} ms`);
  for (let round = 0; round < job.rounds; round++) {
    if (round % 2 === 0) {
      const b = await busy(round);
      lastBusyMs = b.ms;
      samples.push(b, await idle(round, b.ms));
    } else {
      samples.push(await idle(round, lastBusyMs));
      const b = await busy(round);
      lastBusyMs = b.ms;
      samples.push(b);
    }
    job.log(`serving: round ${round + 1}/${job.rounds} done`);
  }
  return samples;
}
