/**
 * What makes the p99 of bench/agent-turns.ts at concurrency 8: the retrieval
 * server measured as served, beside variants that each take one suspect away,
 * in interleaved rounds, with the server's GC pauses and event-loop delay
 * recorded over every window (bench/lib/tail-probe.ts).
 *
 *   npx tsx bench/agent-turns-tail.ts [--concurrency 8] [--rounds 3] [--seconds 3]
 *
 * Variants (each its own server child, all in the same run):
 * - as served: what bench/agent-turns.ts measures;
 * - database on tmpfs: the store in /dev/shm, where fsync costs next to
 *   nothing: what the durable commit's waits add;
 * - young generation 64 MiB: `--max-semi-space-size=64`: fewer scavenges, so
 *   what the GC's pauses add.
 * Then what one durable commit blocks the event loop for on this disk
 * (bench/lib/commit-cost.ts). Little's law for a closed loop, mean latency = c ÷ throughput: at c = 8 a
 * turn waits for the others ahead of it on one JS thread, so the tail is
 * first the queue (c × the CPU a turn takes) and then the pauses on top.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { Customers } from "./agent-turns-customers.js";
import type { ServerReply } from "./agent-turns-server.js";
import { type Server, startServer } from "./agent-turns-server-process.js";
import { closedLoop } from "./lib/closed-loop.js";
import { commitCost } from "./lib/commit-cost.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";
import { percentile } from "./lib/stats.js";
import type { TailProbeReport } from "./lib/tail-probe.js";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
  },
});
const c = Number(args.concurrency);
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
if (![c, rounds].every((n) => Number.isInteger(n) && n >= 1) || !(seconds > 0)) {
  console.error("usage: npx tsx bench/agent-turns-tail.ts [--concurrency 8] [--rounds 3] [--seconds 3]");
  process.exit(2);
}
const command = `npx tsx bench/agent-turns-tail.ts --concurrency ${c} --rounds ${rounds} --seconds ${seconds}`;
console.log(`reproduce: ${command}\nload average before: ${loadAverage()}`);

const variants: { name: string; options: Parameters<typeof startServer>[1] }[] = [
  { name: "as served", options: {} },
  ...(existsSync("/dev/shm")
    ? [{ name: "database on tmpfs", options: { env: { ...process.env, TMPDIR: "/dev/shm" } } }]
    : []),
  { name: "young generation 64 MiB", options: { execArgv: ["--max-semi-space-size=64"] } },
];
const servers: Server[] = [];
for (const v of variants) servers.push(await startServer("retrieval", v.options));

interface Window {
  variant: number;
  round: number;
  turnsPerSecond: number;
  meanMs: number;
  p50: number;
  p99: number;
  cpuMsPerTurn: number;
  turns: number;
  probe: TailProbeReport;
}
const windows: Window[] = [];
for (let i = 0; i < variants.length; i++) await measure(i, -1, 1); // warm-up: JIT, caches
for (let round = 0; round < rounds; round++) {
  const order = variants.map((_, i) => (i + round) % variants.length);
  for (const i of order) await measure(i, round, seconds);
  console.log(`round ${round + 1}/${rounds} done; load average ${loadAverage()}`);
}
for (const server of servers) await server.close();

const asServed = (w: Window) => windows.find((x) => x.variant === 0 && x.round === w.round)!;
const table = [
  ["server", "turns/s", "mean ms", `${c} ÷ turns/s ms`, "p50 ms", "p99 ms", "p99 ÷ as served"],
  [""].concat([
    "CPU ms/turn",
    `${c} × CPU ms/turn`,
    "GC pauses/s",
    "GC ms/s",
    "GC ÷ CPU",
    "longest GC ms",
    "loop delay p99 ms",
    "max ms",
  ]),
];
const rows: string[][] = [];
for (let i = 0; i < variants.length; i++) {
  const of = windows.filter((w) => w.variant === i);
  const f = (value: (w: Window) => number, digits = 1) => formatSpread(spread(of.map(value)), digits);
  const perSecond = (w: Window, n: number) => (n / w.probe.windowMs) * 1000;
  rows.push([
    variants[i]!.name,
    f((w) => w.turnsPerSecond, 0),
    f((w) => w.meanMs),
    f((w) => (c / w.turnsPerSecond) * 1000),
    f((w) => w.p50),
    f((w) => w.p99),
    i === 0 ? "" : f((w) => w.p99 / asServed(w).p99, 3),
  ]);
  rows.push([
    "",
    f((w) => w.cpuMsPerTurn, 2),
    f((w) => c * w.cpuMsPerTurn),
    f((w) => perSecond(w, w.probe.gc.count)),
    f((w) => perSecond(w, w.probe.gc.totalMs)),
    f((w) => w.probe.gc.totalMs / (w.cpuMsPerTurn * w.turns), 3),
    f((w) => w.probe.gc.maxMs),
    f((w) => w.probe.loopDelay.p99Ms),
    f((w) => w.probe.loopDelay.maxMs),
  ]);
}
console.log(`\nretrieval server at c=${c}, ${rounds} rounds of ${seconds} s, variants interleaved:`);
console.log(formatTable([table[0]!, ...rows.filter((_, k) => k % 2 === 0)], [0]));
console.log(formatTable([table[1]!, ...rows.filter((_, k) => k % 2 === 1)], [0]));
const gcKinds = new Map<string, number[]>();
for (const w of windows.filter((x) => x.variant === 0)) {
  for (const [kind, k] of Object.entries(w.probe.gc.byKind)) {
    gcKinds.set(kind, [...(gcKinds.get(kind) ?? []), (k.totalMs / w.probe.windowMs) * 1000]);
  }
}
console.log(
  `GC of "as served" by kind, ms per second: ${[...gcKinds].map(([k, v]) => `${k} ${formatSpread(spread(v), 1)}`).join(", ")}`,
);
console.log(
  "(each cell: the median over rounds, then the range; ratios are paired per round. " +
    `${c} ÷ turns/s is Little's law: the mean wait a closed loop of ${c} must show at that throughput;\n` +
    `${c} × CPU ms/turn: that mean if the server's own CPU were all a turn waited for, the rest being the core taken by\n` +
    "others and the loop blocked (fsync); GC ÷ CPU: the share of the server's CPU spent in GC pauses)",
);
const commits = [0, 1, 2].map(() => commitCost());
const ms = (pick: (x: (typeof commits)[number]) => number) => formatSpread(spread(commits.map(pick)), 2);
console.log(
  `one durable commit of a 2 KB row on ${tmpdir()}'s disk, 3 × 300: synchronous = FULL p50 ${ms((x) => x.full.p50)} ms, ` +
    `p99 ${ms((x) => x.full.p99)} ms; NORMAL (no fsync) p50 ${ms((x) => x.normal.p50)}, p99 ${ms((x) => x.normal.p99)} ms\n` +
    "(the store commits with FULL on the JS thread: every group commit stops the event loop for its fsync)",
);
console.log(`load average after: ${loadAverage()}\nreproduce: ${command}`);

async function measure(variant: number, round: number, windowSeconds: number): Promise<void> {
  const server = servers[variant]!;
  const customers = new Customers(`tail-r${round}-v${variant}-`, 1);
  const model = `agent:${server.agent}`;
  const before = await server.sample();
  await server.ask({ op: "probe", start: true });
  const result = await closedLoop({
    url: server.url,
    headers: { authorization: `Bearer ${server.apiKey}` },
    concurrency: c,
    durationMs: windowSeconds * 1000,
    body: (_, worker) => {
      const { user, message } = customers.next(worker);
      return JSON.stringify({ model, user, messages: [{ role: "user", content: message }] });
    },
  });
  const { report } = await server.ask<Extract<ServerReply, { op: "probe" }>>({ op: "probe", start: false });
  const after = await server.sample();
  if (result.failed > 0)
    console.error(`${variants[variant]!.name}: ${result.failed} failed (${result.error})`);
  if (round < 0 || result.latencies.length === 0 || !report) return;
  const n = result.latencies.length;
  windows.push({
    variant,
    round,
    turnsPerSecond: (n / result.elapsedMs) * 1000,
    meanMs: result.latencies.reduce((a, b) => a + b, 0) / n,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    cpuMsPerTurn: (after.cpuMs - before.cpuMs) / n,
    turns: n,
    probe: report,
  });
}
