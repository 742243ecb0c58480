/**
 * Many processes on one database, side by side in one run:
 *
 * 1. Agent turns/s through HTTP (`POST /v1/chat/completions`, model
 *    `agent:la-espiga`, the demo agent in retrieval mode: no model, so the
 *    turn is the server, the store and the knowledge search), closed loop on
 *    127.0.0.1 at `--concurrency` in all, for `--seconds` after a 2 s warm-up:
 *    one `alambique serve` on SQLite, one on PostgreSQL, two on one PostgreSQL
 *    (the load split evenly between them, as a balancer would). Each client
 *    worker is a customer who starts a new conversation every 5 turns.
 * 2. Synthetic-data rows/s with 1, 2 and 4 `alambique worker` processes on one
 *    PostgreSQL: four synth jobs of `--rows` rows each (the full steps, the
 *    teacher an instant model server, bench/synth-server.ts), claimed with
 *    SKIP LOCKED; rows/s from the first row written to the last (process
 *    start-up and planning excluded), and the wall time until every job ended.
 *
 *   npx tsx bench/scale.ts [--seconds 15] [--concurrency 8] [--rows 40]
 *
 * Every process runs on this machine (the load generator too), PostgreSQL on
 * a throwaway local server (src/store/postgres/postgres-cluster.fixture.ts,
 * fsync off): the ratios say what sharing one database costs and what more
 * processes buy on this many cores, not what a fleet of machines would do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { enqueueSynthJob } from "../src/distill/pipeline/enqueue-synth-job.js";
import { ModelRegistry } from "../src/models/model-registry.js";
import { startPostgresCluster } from "../src/store/postgres/postgres-cluster.fixture.js";
import { closedLoop } from "./lib/closed-loop.js";
import { formatTable } from "./lib/format-table.js";
import { percentile } from "./lib/stats.js";
import { seedSynthStore, seedTurnsStore, startReplicas, startWorkers } from "./scale-processes.js";
import { startBenchServer } from "./synth-measure.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const seconds = Number(option("seconds", "15"));
const concurrency = Number(option("concurrency", "8"));
const rowsPerJob = Number(option("rows", "40"));
const command = `npx tsx bench/scale.ts --seconds ${seconds} --concurrency ${concurrency} --rows ${rowsPerJob}`;
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const questions = [
  "¿A qué hora abrís el domingo?",
  "¿Hacéis envíos a Benimaclet?",
  "¿Tenéis pan sin gluten?",
  "¿Aceptáis tarjeta?",
  "¿Cuánto cuesta la tarta de cumpleaños?",
];
const loads: number[] = [loadavg()[0]!];

const cluster = await startPostgresCluster();
const sqliteDir = mkdtempSync(join(tmpdir(), "alq-bench-scale-"));
try {
  const turns: { setup: string; rate: number; p50: number; p95: number; failed: number }[] = [];
  for (const [setup, replicas, url] of [
    ["1 server, SQLite", 1, join(sqliteDir, "alambique.db")],
    ["1 replica, PostgreSQL", 1, await cluster.createDatabase("scale")],
    ["2 replicas, PostgreSQL", 2, await cluster.createDatabase("scale")],
  ] as const) {
    log(`${setup}: seeding and starting`);
    const secret = await seedTurnsStore(url);
    const servers = await startReplicas(url, replicas);
    try {
      await load(servers.bases, secret, 2, "warm");
      const results = await load(servers.bases, secret, seconds, "run");
      const latencies = results.flatMap((r) => r.latencies);
      const elapsed = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
      turns.push({
        setup,
        rate: latencies.length / elapsed,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        failed: results.reduce((sum, r) => sum + r.failed, 0),
      });
      const error = results.find((r) => r.error)?.error;
      if (error) log(`${setup}: first failure: ${error}`);
    } finally {
      await servers.stop();
    }
    loads.push(loadavg()[0]!);
  }

  const server = await startBenchServer();
  const synth: { workers: number; rate: number; wall: number; rows: number }[] = [];
  try {
    for (const workers of [1, 2, 4]) {
      log(`${workers} synth worker(s): seeding and starting`);
      const url = await cluster.createDatabase("synth");
      const { store, tenantId } = await seedSynthStore(url, server.port);
      const running = await startWorkers(url, workers);
      const models = new ModelRegistry({ store });
      try {
        const started = performance.now();
        const jobs = [];
        for (let i = 1; i <= 4; i++) {
          const queued = await enqueueSynthJob(store, models, {
            tenantId,
            agent: "la-espiga",
            teacher: "instant-teacher",
            count: rowsPerJob,
            concurrency: 8,
            seed: i,
            dataset: { name: `scale-${i}` },
          });
          jobs.push(queued.job.id);
        }
        for (;;) {
          const states = await Promise.all(jobs.map(async (id) => (await store.jobs.get(id))!.status));
          if (states.every((s) => s === "succeeded" || s === "failed" || s === "cancelled")) {
            if (states.some((s) => s !== "succeeded")) log(`jobs ended ${states.join(", ")}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const wall = (performance.now() - started) / 1000;
        const span = await rowsSpan(url);
        synth.push({ workers, rate: span.rows / span.seconds, wall, rows: span.rows });
      } finally {
        await running.stop();
        await models.dispose();
        await store.close();
      }
      loads.push(loadavg()[0]!);
    }
  } finally {
    server.stop();
  }

  const base = turns[0]!.rate;
  console.log(`\n${command}`);
  console.log(
    `node ${process.version}, ${cpus().length} cores, load average ${loads.map((l) => l.toFixed(1)).join(" → ")} (before, after each setup)\n`,
  );
  console.log(`agent turns, closed loop, concurrency ${concurrency} in all, ${seconds} s each`);
  console.log(
    formatTable([
      ["setup", "turns/s", "× SQLite", "p50 ms", "p95 ms", "failed"],
      ...turns.map((t) => [
        t.setup,
        t.rate.toFixed(1),
        `${(t.rate / base).toFixed(2)}×`,
        t.p50.toFixed(0),
        t.p95.toFixed(0),
        String(t.failed),
      ]),
    ]),
  );
  const one = synth[0]!.rate;
  console.log(`\nsynth jobs on PostgreSQL: 4 jobs × ${rowsPerJob} rows (full steps, instant teacher)`);
  console.log(
    formatTable([
      ["workers", "rows/s", "× 1 worker", "rows", "wall s"],
      ...synth.map((s) => [
        String(s.workers),
        s.rate.toFixed(1),
        `${(s.rate / one).toFixed(2)}×`,
        String(s.rows),
        s.wall.toFixed(1),
      ]),
    ]),
  );
} finally {
  await cluster.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
}

/** The closed loop against every base at once, `concurrency` split evenly between them. */
async function load(bases: readonly string[], secret: string, forSeconds: number, prefix: string) {
  return Promise.all(
    bases.map((base, b) => {
      const turnsOf = new Map<number, number>();
      return closedLoop({
        url: `${base}/v1/chat/completions`,
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        concurrency: Math.max(1, Math.round(concurrency / bases.length)),
        durationMs: forSeconds * 1000,
        body: (i, worker) => {
          const n = turnsOf.get(worker) ?? 0;
          turnsOf.set(worker, n + 1);
          return JSON.stringify({
            model: "agent:la-espiga",
            user: `${prefix}-${b}-${worker}-${Math.floor(n / 5)}`,
            messages: [{ role: "user", content: questions[i % questions.length] }],
          });
        },
      });
    }),
  );
}

/** Rows written to the database, and seconds from the first to the last. */
async function rowsSpan(url: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string; s: number }>(
      "SELECT count(*) AS n, extract(epoch FROM max(created_at) - min(created_at))::float8 AS s FROM synth_rows",
    );
    return { rows: Number(rows[0]!.n), seconds: rows[0]!.s };
  } finally {
    await client.end();
  }
}
