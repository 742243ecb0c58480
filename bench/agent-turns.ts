/**
 * What one customer message costs: agent turns per second and p50/p99 at
 * concurrency 1, 8 and 32 through `POST /v1/chat/completions` with
 * `model: "agent:la-espiga"` (the demo agent) and a `user` per simulated
 * customer, beside a bare Fastify server measured in the same run; plus the
 * server's CPU per turn, RSS growth per 1,000 conversations and database
 * bytes per turn.
 *
 *   npx tsx bench/agent-turns.ts [--concurrency 1,8,32] [--rounds 3] [--seconds 2]
 *     [--conversations 1000] [--turns-per-conversation 2] [--model-concurrency 1,8] [--model-turns 2]
 *     [--skip model,floor,inprocess,memory] [--profile FILE.cpuprofile] [--other TREE] [--strict]
 *
 * Each server runs in a child process (bench/agent-turns-server.ts): the
 * server's CPU is that process's `process.cpuUsage()` over the measured
 * window (all its threads), so the load generator's CPU (this process) is not
 * in it. Sides:
 * - bare Fastify: parses the same body, answers `{"hello":"world"}`;
 * - retrieval: the demo agent with no model, served as `alambique serve` does;
 * - model: the demo agent on a forged tiny random-weight model run by the
 *   embedded llama.cpp (one thread): the text is nonsense, the mechanics real;
 * - floor: the same database served by bench/agent-turns-floor.ts, raw
 *   SQLite and Fastify with none of Alambique's code, doing a subset of what
 *   our turn does (key, agent, one FTS5 query, the conversation and two
 *   messages in the same group commit with fsync on the JS thread): what a
 *   target misses on the floor, our server, built the same way and doing
 *   more, misses too.
 * - runtime in-process: `AgentRuntime.turn` called in the retrieval server's
 *   process, no HTTP: what the turn itself costs, as a second view.
 * - other (`--other TREE`): the retrieval server of another checkout (the
 *   tree before a change, with its node_modules), measured in every round
 *   beside this tree's, so that a change is judged on paired ratios taken
 *   under the same load (printed after the table).
 * The load is a closed loop (bench/lib/closed-loop.ts): `c` customers, each
 * sending its next message when the last is answered, talking in
 * conversations of `--turns-per-conversation` messages.
 *
 * Rounds interleave the sides (their order alternating) so that drift in the
 * machine's load hits both; every figure is the median over rounds with the
 * rounds' range, and the ratio to Fastify is the median of the per-round
 * ratios. Targets (issue 15), judged at concurrency 8: server CPU per
 * retrieval turn ≤ 0.5 ms; turns/s ≥ 0.3 × bare Fastify; p99 ≤ 20 ms; and
 * memory flat over 10,000 conversations (`--conversations 10000`; the default
 * is a quicker 1,000). The exit code is 0 whatever the verdict, 1 on FAIL with `--strict`.
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Customers } from "./agent-turns-customers.js";
import { type MemoryResult, memoryPhase } from "./agent-turns-memory.js";
import { pairedRatio, reportTurns, type TurnsRun } from "./agent-turns-report.js";
import type { ServerReply, ServerSide } from "./agent-turns-server.js";
import { type Server, startServer } from "./agent-turns-server-process.js";
import { closedLoop } from "./lib/closed-loop.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";
import { percentile } from "./lib/stats.js";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string", default: "1,8,32" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "2" },
    conversations: { type: "string", default: "1000" },
    "turns-per-conversation": { type: "string", default: "2" },
    "model-concurrency": { type: "string", default: "1,8" },
    "model-turns": { type: "string", default: "2" },
    profile: { type: "string" },
    skip: { type: "string", default: "" },
    other: { type: "string" },
    strict: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const usage =
  "npx tsx bench/agent-turns.ts [--concurrency 1,8,32] [--rounds 3] [--seconds 2] [--conversations 1000]\n" +
  "  [--turns-per-conversation 2] [--model-concurrency 1,8] [--model-turns 2] [--skip model,floor,inprocess,memory]\n" +
  "  [--profile FILE.cpuprofile] [--other TREE] [--strict]";
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const levels = args.concurrency.split(",").map(Number);
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const conversations = Number(args.conversations);
const turnsPerConversation = Number(args["turns-per-conversation"]);
const modelLevels = args["model-concurrency"].split(",").map(Number);
const modelTurns = Number(args["model-turns"]);
const skip = new Set(args.skip.split(",").filter(Boolean));
const positiveInts = [rounds, conversations, turnsPerConversation, modelTurns, ...levels, ...modelLevels];
if (
  positiveInts.some((n) => !Number.isInteger(n) || n < 1) ||
  !(seconds > 0) ||
  [...skip].some((s) => !["model", "floor", "inprocess", "memory"].includes(s))
) {
  console.error(`Bad arguments: counts are positive whole numbers, seconds positive.\n${usage}`);
  process.exit(2);
}

const command =
  `npx tsx bench/agent-turns.ts --concurrency ${args.concurrency} --rounds ${rounds} --seconds ${seconds} ` +
  `--conversations ${conversations} --turns-per-conversation ${turnsPerConversation} ` +
  `--model-concurrency ${args["model-concurrency"]} --model-turns ${modelTurns}${args.skip ? ` --skip ${args.skip}` : ""}` +
  (args.other ? ` --other ${args.other}` : "");
console.log(`reproduce: ${command}`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; load average before: ${loadAverage()}`,
);
console.log(
  "Server CPU: the server's child process, process.cpuUsage() over the measured window, all threads;\n" +
    "the load generator (this process) is not in it.\n",
);

const sides: ServerSide[] = [
  "fastify",
  "retrieval",
  ...(skip.has("floor") ? [] : ["floor" as const]),
  ...(skip.has("model") ? [] : ["model" as const]),
];
const servers = new Map<ServerSide, Server>();
for (const side of sides) servers.set(side, await startServer(side));
const other = args.other ? await startServer("retrieval", { tree: resolve(args.other) }) : undefined;
const otherRuns: TurnsRun[] = [];

const runs: TurnsRun[] = [];
let customerPrefix = 0;

// JIT, the page cache and llama.cpp's first context: not measured.
await measure("fastify", 8, { durationMs: 1000 }, -1);
await measure("retrieval", 8, { durationMs: 1000 }, -1);
if (servers.has("floor")) await measure("floor", 8, { durationMs: 1000 }, -1);
if (other) await measure("other", 8, { durationMs: 1000 }, -1);
if (servers.has("model")) await measure("model", 1, { total: 1 }, -1);

const profile = args.profile ? resolve(args.profile) : undefined;
if (profile) await servers.get("retrieval")!.ask({ op: "profile" });
for (let round = 0; round < rounds; round++) {
  const pair: Array<ServerSide | "other"> = [
    "retrieval",
    ...(other ? ["other" as const] : []),
    ...(servers.has("floor") ? ["floor" as const] : []),
  ];
  const order = round % 2 === 0 ? ["fastify" as const, ...pair] : [...pair.reverse(), "fastify" as const];
  for (const c of levels) {
    for (const side of order) await measure(side, c, { durationMs: seconds * 1000 }, round);
    if (!skip.has("inprocess")) await measureInProcess(c, round);
  }
  console.log(`round ${round + 1}/${rounds} done; load average ${loadAverage()}`);
}
if (profile) {
  await servers.get("retrieval")!.ask({ op: "profile", file: profile });
  console.log(`CPU profile of the retrieval server over the rounds: ${profile}`);
  console.log(`  npx tsx bench/lib/cpu-profile-top.ts ${profile}`);
}
// The forged model: a few turns at each level, beside a bare Fastify window at the same level.
if (servers.has("model")) {
  for (const c of modelLevels) {
    await measure("fastify", c, { durationMs: seconds * 1000 }, rounds);
    await measure("model", c, { total: modelTurns }, rounds);
  }
  console.log(`forged model done; load average ${loadAverage()}`);
}

const memory: MemoryResult | undefined = skip.has("memory")
  ? undefined
  : await memoryPhase({
      server: servers.get("retrieval")!,
      conversations,
      turnsPerConversation,
      concurrency: 8,
    });

for (const server of servers.values()) await server.close();
await other?.close();
const failed = reportTurns({ runs, memory, rounds, conversations, command });
if (other) reportOther();
process.exitCode = failed && args.strict ? 1 : 0;

/** One closed-loop window against `side` at concurrency `c`; a negative round is a warm-up, not recorded. */
async function measure(
  side: ServerSide | "other",
  c: number,
  window: { durationMs: number } | { total: number },
  round: number,
): Promise<void> {
  const server = side === "other" ? other! : servers.get(side)!;
  const customers = new Customers(`r${round}-c${c}-${side}-${customerPrefix++}-`, turnsPerConversation);
  const model = `agent:${server.agent}`;
  const before = await server.sample();
  const result = await closedLoop({
    url: server.url,
    headers: { authorization: `Bearer ${server.apiKey}` },
    concurrency: c,
    ...window,
    body: (_, worker) => {
      const { user, message } = customers.next(worker);
      return JSON.stringify({ model, user, messages: [{ role: "user", content: message }] });
    },
  });
  const after = await server.sample();
  if (result.failed > 0) {
    console.error(`${side} c=${c}: ${result.failed} failed (${result.error})`);
  }
  if (round < 0 || result.latencies.length === 0) return;
  const turnsPerSecond = (result.latencies.length / result.elapsedMs) * 1000;
  (side === "other" ? otherRuns : runs).push({
    side: side === "other" ? "retrieval" : side,
    concurrency: c,
    round,
    turnsPerSecond,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    cpuPerTurn: (after.cpuMs - before.cpuMs) / result.latencies.length,
  });
}

async function measureInProcess(c: number, round: number): Promise<void> {
  const server = servers.get("retrieval")!;
  const result = await server.ask<Extract<ServerReply, { op: "inprocess" }>>({
    op: "inprocess",
    concurrency: c,
    durationMs: (seconds * 1000) / 2,
    prefix: `r${round}-c${c}-inprocess-${customerPrefix++}-`,
    turnsPerConversation,
  });
  if (result.failed > 0) console.error(`in-process c=${c}: ${result.failed} failed (${result.error})`);
  if (result.latencies.length === 0) return;
  const turnsPerSecond = (result.latencies.length / result.elapsedMs) * 1000;
  runs.push({
    side: "inprocess",
    concurrency: c,
    round,
    turnsPerSecond,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    cpuPerTurn: result.cpuMs / result.latencies.length,
  });
}

/** This tree's retrieval server over `--other`'s, per concurrency: medians of the per-round ratios. */
function reportOther(): void {
  console.log(
    `\nThis tree over ${args.other} (retrieval mode, the same rounds; < 1 is less for CPU and p99, > 1 is more for turns/s):`,
  );
  const retrieval = runs.filter((r) => r.side === "retrieval");
  for (const c of levels) {
    const theirs = otherRuns.filter((o) => o.concurrency === c);
    if (theirs.length === 0) continue;
    const ratio = (pick: (run: TurnsRun) => number) => pairedRatio(retrieval, theirs, pick, 3);
    console.log(
      `  c=${c}: CPU per turn ${ratio((r) => r.cpuPerTurn)}, turns/s ${ratio((r) => r.turnsPerSecond)}, ` +
        `p99 ${ratio((r) => r.p99)}; other's CPU per turn ${formatSpread(spread(theirs.map((o) => o.cpuPerTurn)), 3)} ms`,
    );
  }
}
