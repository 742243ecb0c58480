/**
 * The server side of bench/agent-turns.ts, run as its child process so that
 * `process.cpuUsage()` here (every thread: JS, GC, libuv, SQLite, llama.cpp)
 * is the server's CPU alone, never the load generator's.
 *
 *   tsx bench/agent-turns-server.ts fastify|retrieval|floor|model
 *
 * - fastify: a bare Fastify server that parses the same JSON body and answers
 *   `{"hello":"world"}` on the same URL: the floor any Node HTTP server pays.
 * - retrieval: `createServer` as `alambique serve` runs it (API keys on, an
 *   admin key checked against the store on every request, limits on with the
 *   rate limit set too high to refuse, logging at `warn` into /dev/null), a
 *   fresh SQLite store in a temporary folder, the demo agent `la-espiga` with
 *   its knowledge ingested, in a tenant of its own, no model (retrieval mode).
 * - floor: the same database (demo agent, knowledge, key), served by
 *   bench/agent-turns-floor.ts: a subset of a retrieval turn's work, built as
 *   ours is (key, agent, one FTS5 query, the conversation and two messages in
 *   a group commit with fsync on the JS thread), none of Alambique's code.
 * - model: the same as retrieval, with the agent on a forged tiny random-weight GGUF run
 *   in-process by the embedded llama.cpp provider on one thread (the webhook
 *   tool is left out: it would call a port nobody serves). The generation
 *   queue may hold 256 waiting turns, so that concurrency 32 is queued, not refused.
 *
 * Speaks with the parent over IPC (`ServerRequest` in, `ServerReply` out).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { AgentRuntime } from "../src/agents/agent-runtime.js";
import { seedDemoAgent } from "../src/agents/demo-agent.fixture.js";
import { forgedModelPath } from "../src/models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../src/models/model-registry.js";
import { createServer } from "../src/server/create-server.js";
import type { Store } from "../src/spec/store.js";
import { openStore } from "../src/store/open-store.js";
import { Customers } from "./agent-turns-customers.js";
import { floorServer } from "./agent-turns-floor.js";
import { type ProcessMemory, processMemory } from "./lib/process-memory.js";
import { startTailProbe, type TailProbeReport } from "./lib/tail-probe.js";

export type ServerSide = "fastify" | "retrieval" | "floor" | "model";

export type ServerRequest =
  /** CPU so far, memory (after a full GC when `gc`), database files' size. */
  | { op: "sample"; gc?: boolean }
  /** `AgentRuntime.turn` in this process, closed loop, no HTTP. */
  | { op: "inprocess"; concurrency: number; durationMs: number; prefix: string; turnsPerConversation: number }
  /** Starts the V8 CPU profiler here, or stops it and writes the profile to `file` (a .cpuprofile). */
  | { op: "profile"; file?: string }
  /** Starts recording GC pauses and event-loop delay here (`start`), or stops and returns them. */
  | { op: "probe"; start: boolean }
  | { op: "close" };

export interface Sample {
  /** User + system CPU of this process since it started, ms. */
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The database file, its WAL and shared-memory file, together; 0 for `fastify`. */
  dbBytes: number;
  /** Of which the WAL (it grows to about 4 MB, then is reused after each checkpoint). */
  walBytes: number;
  /** Where the RSS lies: anonymous (V8 heap, malloc) and file-backed (see bench/lib/process-memory.ts). */
  memory: ProcessMemory;
}

export type ServerReply =
  | { op: "ready"; url: string; apiKey: string; agent: string }
  | ({ op: "sample" } & Sample)
  | { op: "inprocess"; latencies: number[]; failed: number; elapsedMs: number; cpuMs: number; error?: string }
  | { op: "profile" }
  | { op: "probe"; report?: TailProbeReport }
  | { op: "closed" };

const side = process.argv[2] as ServerSide;
if (!["fastify", "retrieval", "floor", "model"].includes(side)) {
  console.error("usage: tsx bench/agent-turns-server.ts fastify|retrieval|floor|model");
  process.exit(2);
}
const reply = (message: ServerReply) => process.send?.(message);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let app!: FastifyInstance;
let runtime: AgentRuntime | undefined;
let store: Store | undefined;
let registry: ModelRegistry | undefined;
let dataDir: string | undefined;
let tenantId = "";
let agentName = "";
let apiKey = "";
let floor: ReturnType<typeof floorServer> | undefined;
const profiler = new Session();
let probe: ReturnType<typeof startTailProbe> | undefined;

if (side === "fastify") {
  app = Fastify({ logger: false });
  app.post("/v1/chat/completions", async () => ({ hello: "world" }));
} else {
  dataDir = mkdtempSync(join(tmpdir(), "alq-bench-turns-"));
  store = await openStore(join(dataDir, "alambique.db"));
  const tenant = await store.tenants.create({ slug: "la-espiga", name: "Panadería La Espiga" });
  tenantId = tenant.id;
  if (side === "model") {
    await store.models.add({
      name: "forged",
      source: `gguf:${await forgedModelPath("tiny", 1)}`,
      architecture: "llama",
      parameterCount: null,
      quantization: null,
      contextLength: 4096,
      licenseId: "apache-2.0",
      licenseUrl: null,
      weightsOpenness: "open",
      dataOpenness: "open",
      codeOpenness: "open",
      outputsMayTrain: true,
      metadata: { threads: 1 },
    });
  }
  const { agent } = await seedDemoAgent(store, tenantId, (spec) =>
    side === "model"
      ? { ...spec, model: "forged", tools: spec.tools.filter((tool) => tool.type !== "webhook") }
      : spec,
  );
  agentName = agent.name;
  apiKey = (await store.apiKeys.create({ tenantId, name: "bench", scopes: ["admin"] })).secret;
  if (side === "floor") {
    // The store made the data; the floor serves it on a connection of its own.
    await store.close();
    store = undefined;
    floor = floorServer(join(dataDir, "alambique.db"));
    app = floor.app;
  }
}
if (store) {
  registry = new ModelRegistry({ store, llamacpp: { threads: 1 } });
  runtime = new AgentRuntime({ store, models: registry });
  app = createServer({
    store,
    models: registry,
    agents: runtime,
    logger: pino({ level: "warn" }, pino.destination("/dev/null")),
    limits: { requestsPerMinute: 1e9, queue: { concurrency: 4, maxWaiting: 256 } },
  });
}
const address = await app.listen({ port: 0, host: "127.0.0.1" });
reply({ op: "ready", url: `${address}/v1/chat/completions`, apiKey, agent: agentName });

process.on("message", (message: ServerRequest) => {
  void handle(message).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});

async function handle(message: ServerRequest): Promise<void> {
  if (message.op === "sample") {
    if (message.gc) globalThis.gc?.();
    const memory = process.memoryUsage();
    reply({
      op: "sample",
      cpuMs: cpuMs(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      memory: processMemory(),
      ...databaseBytes(dataDir ? join(dataDir, "alambique.db") : undefined),
    });
  } else if (message.op === "profile") {
    if (message.file === undefined) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    } else {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(message.file, JSON.stringify(profile));
      profiler.disconnect();
    }
    reply({ op: "profile" });
  } else if (message.op === "probe") {
    const report = probe?.stop();
    probe = message.start ? startTailProbe() : undefined;
    reply({ op: "probe", ...(report && !message.start ? { report } : {}) });
  } else if (message.op === "inprocess") {
    reply({ op: "inprocess", ...(await inProcess(message)) });
  } else {
    await app.close();
    await runtime?.dispose();
    await registry?.dispose();
    await store?.close();
    floor?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    reply({ op: "closed" });
    process.disconnect();
    // Whatever handle is left open must not keep the process from ending.
    setTimeout(() => process.exit(0), 2000).unref();
  }
}

function databaseBytes(file: string | undefined): { dbBytes: number; walBytes: number } {
  if (file === undefined) return { dbBytes: 0, walBytes: 0 };
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0; // No WAL yet.
    }
  };
  const walBytes = size(`${file}-wal`);
  return { dbBytes: size(file) + walBytes + size(`${file}-shm`), walBytes };
}

/** `AgentRuntime.turn` back to back from `concurrency` loops, each one customer at a time (see `Customers`). */
async function inProcess(job: Extract<ServerRequest, { op: "inprocess" }>) {
  if (!runtime) throw new Error("no agents on the fastify side");
  const latencies: number[] = [];
  let failed = 0;
  let error: string | undefined;
  const customers = new Customers(job.prefix, job.turnsPerConversation);
  const cpu = cpuMs();
  const started = performance.now();
  const deadline = started + job.durationMs;
  const loop = async (_: unknown, worker: number) => {
    while (performance.now() < deadline) {
      const turn = customers.next(worker);
      const t0 = performance.now();
      try {
        await runtime!.turn({ tenantId, agent: agentName, externalUserId: turn.user, message: turn.message });
        latencies.push(performance.now() - t0);
      } catch (e) {
        failed++;
        error ??= String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return {
    latencies,
    failed,
    elapsedMs: performance.now() - started,
    cpuMs: cpuMs() - cpu,
    ...(error ? { error } : {}),
  };
}
