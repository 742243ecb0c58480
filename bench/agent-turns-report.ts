import { cpus, loadavg } from "node:os";
import { type MemoryPart, type MemoryResult, memoryParts, type PartSlopes } from "./agent-turns-memory.js";
import type { ServerSide } from "./agent-turns-server.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";

/** Issue 15's targets, judged at concurrency 8 on the medians over rounds. */
const TARGET_CPU_MS = 0.5;
const TARGET_RATIO = 0.3;
const TARGET_P99_MS = 20;
/** "Flat": RSS grows by at most this much per 1,000 conversations (see `memoryVerdict`). */
const FLAT_MIB_PER_1000 = 1;
/** The memory target speaks of this many conversations: fewer are reported, not judged. */
const JUDGED_CONVERSATIONS = 10_000;

/** One measured window of bench/agent-turns.ts. */
export interface TurnsRun {
  side: ServerSide | "inprocess";
  concurrency: number;
  /** Rounds count from 0; the forged model's windows (and their Fastify pairs) are round `rounds`. */
  round: number;
  turnsPerSecond: number;
  p50: number;
  p99: number;
  cpuPerTurn: number;
}

/**
 * Prints bench/agent-turns.ts's table (medians over rounds with their range,
 * ratios to the bare Fastify window of the same round and concurrency), the
 * memory figures and the verdicts. Returns whether a judged target failed.
 */
export function reportTurns(input: {
  runs: TurnsRun[];
  memory: MemoryResult | undefined;
  rounds: number;
  conversations: number;
  command: string;
}): boolean {
  const { runs, memory, rounds, conversations, command } = input;
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))].sort((a, b) => a - b);
  /** The bare Fastify window of the same round and concurrency as `run`. */
  const fastifyOf = (run: TurnsRun) =>
    runs.find((r) => r.side === "fastify" && r.round === run.round && r.concurrency === run.concurrency);
  const throughputRatio = (run: TurnsRun) =>
    run.turnsPerSecond / (fastifyOf(run)?.turnsPerSecond ?? Number.NaN);
  const cpuRatio = (run: TurnsRun) => run.cpuPerTurn / (fastifyOf(run)?.cpuPerTurn ?? Number.NaN);

  const table: string[][] = [
    [
      "side",
      "c",
      "turns/s",
      "× Fastify",
      "p50 ms",
      "p99 ms",
      "server CPU ms/turn",
      "CPU ÷ Fastify's",
      "rounds",
    ],
  ];
  const names = {
    fastify: "bare Fastify hello world",
    retrieval: "agent:la-espiga retrieval mode",
    floor: "floor: durable SQLite turn, no code of ours",
    model: "agent:la-espiga forged model",
    inprocess: "AgentRuntime.turn in-process",
  };
  for (const side of ["fastify", "retrieval", "floor", "model", "inprocess"] as const) {
    for (const c of concurrencies) {
      // Fastify's row is its rounds; the windows paired with the forged model's only serve those ratios.
      const of = runs.filter(
        (r) => r.side === side && r.concurrency === c && (side !== "fastify" || r.round < rounds),
      );
      if (of.length === 0) continue;
      const paired = side !== "fastify";
      table.push([
        names[side],
        String(c),
        formatSpread(spread(of.map((r) => r.turnsPerSecond)), 0),
        paired ? formatSpread(spread(of.map(throughputRatio)), 3) : "",
        formatSpread(spread(of.map((r) => r.p50)), 2),
        formatSpread(spread(of.map((r) => r.p99)), 2),
        formatSpread(spread(of.map((r) => r.cpuPerTurn)), 3),
        paired ? formatSpread(spread(of.map(cpuRatio)), 1) : "",
        String(of.length),
      ]);
    }
  }
  console.log(`\n${formatTable(table, [0])}`);
  console.log(
    "(each cell: the median over rounds, then the rounds' range. × Fastify: turns/s over the bare server's req/s,\n" +
      "CPU ÷ Fastify's: CPU per turn over the bare server's CPU per request; both the median of per-round ratios.\n" +
      "On a loaded machine every CPU figure inflates; the ratio to Fastify's moves less.)",
  );

  if (memory) {
    console.log(
      `\nper 1,000 measured conversations, second half: ${formatSlopes(memory.secondHalf)}; ` +
        `whole window: RSS ${signed(memory.whole.rss)} MiB, native ${signed(memory.whole.native)}.\n` +
        `database (file + WAL + shm) ${memory.dbBytesPerTurn.toFixed(0)} bytes per turn ` +
        `(the main file alone ${memory.dbFileBytesPerTurn.toFixed(0)}: the WAL is reused after each checkpoint); ` +
        `server CPU ${memory.cpuMsPerTurn.toFixed(3)} ms per turn over the phase`,
    );
  }
  const at8 = runs.filter((r) => r.side === "retrieval" && r.concurrency === 8);
  const verdicts: { ok: boolean; judged?: boolean; line: string }[] = [];
  if (at8.length > 0) {
    const cpu = spread(at8.map((r) => r.cpuPerTurn));
    const ratio = spread(at8.map(throughputRatio));
    const p99 = spread(at8.map((r) => r.p99));
    verdicts.push(
      {
        ok: cpu.median <= TARGET_CPU_MS,
        line:
          `server CPU per retrieval turn at c=8 ${formatSpread(cpu, 3)} ms (target ≤ ${TARGET_CPU_MS}; ` +
          `${(cpu.median / TARGET_CPU_MS).toFixed(1)}× the target; ${formatSpread(spread(at8.map(cpuRatio)), 1)}× a bare Fastify request's)`,
      },
      {
        ok: ratio.median >= TARGET_RATIO,
        line: `turns/s at c=8 over bare Fastify ${formatSpread(ratio, 3)} (target ≥ ${TARGET_RATIO})`,
      },
      {
        ok: p99.median <= TARGET_P99_MS,
        line: `p99 at c=8 ${formatSpread(p99, 2)} ms (target ≤ ${TARGET_P99_MS})`,
      },
    );
  } else console.log("\n(concurrency 8 not measured: the targets are judged there)");
  const floorAt8 = runs.filter((r) => r.side === "floor" && r.concurrency === 8);
  if (at8.length > 0 && floorAt8.length > 0) console.log(`\n${floorLine(at8, floorAt8, throughputRatio)}`);
  if (memory) verdicts.push(memoryVerdict(memory, conversations));
  console.log(`\nload average after: ${loadAverage()}`);
  if (Math.max(...loadavg()) > cpus().length) {
    console.log(
      "(the load average is above the core count: other work shared the cores; rerun on a quiet machine)",
    );
  }
  console.log("");
  for (const v of verdicts)
    console.log(`${v.judged === false ? "NOT JUDGED" : v.ok ? "PASS" : "FAIL"}: ${v.line}`);
  console.log(`\nreproduce: ${command}`);
  return verdicts.some((v) => !v.ok && v.judged !== false);
}

/**
 * `runs` over `reference`, each run paired with the reference run of the same
 * round and concurrency: the median and range of `pick(run) / pick(reference)`,
 * printed with `digits`; "n/a" when no round has both. How a change (another
 * tree) or a floor is judged under the same load as this tree.
 */
export function pairedRatio(
  runs: readonly TurnsRun[],
  reference: readonly TurnsRun[],
  pick: (run: TurnsRun) => number,
  digits: number,
): string {
  const ratios = reference.flatMap((ref) => {
    const run = runs.find((r) => r.round === ref.round && r.concurrency === ref.concurrency);
    return run ? [pick(run) / pick(ref)] : [];
  });
  return ratios.length > 0 ? formatSpread(spread(ratios), digits) : "n/a";
}

/**
 * What the floor (bench/agent-turns-floor.ts: a durable turn on raw SQLite,
 * none of our code) gives against each target, and the real server over the
 * floor, paired per round: the part of each figure that is ours.
 */
function floorLine(
  at8: TurnsRun[],
  floorAt8: TurnsRun[],
  throughputRatio: (run: TurnsRun) => number,
): string {
  const over = (pick: (run: TurnsRun) => number) => pairedRatio(at8, floorAt8, pick, 2);
  const cpu = spread(floorAt8.map((r) => r.cpuPerTurn));
  const ratio = spread(floorAt8.map(throughputRatio));
  const p99 = spread(floorAt8.map((r) => r.p99));
  const mark = (ok: boolean) => (ok ? "within" : "misses");
  return (
    `floor at c=8 (durable SQLite turn, no code of ours): CPU ${formatSpread(cpu, 3)} ms a turn ` +
    `(${mark(cpu.median <= TARGET_CPU_MS)} ≤ ${TARGET_CPU_MS}), ${formatSpread(ratio, 3)}× Fastify ` +
    `(${mark(ratio.median >= TARGET_RATIO)} ≥ ${TARGET_RATIO}), p99 ${formatSpread(p99, 2)} ms ` +
    `(${mark(p99.median <= TARGET_P99_MS)} ≤ ${TARGET_P99_MS}).\n` +
    `Alambique's retrieval turn over the floor, paired per round: CPU ${over((r) => r.cpuPerTurn)}×, ` +
    `turns/s ${over((r) => r.turnsPerSecond)}×, p99 ${over((r) => r.p99)}×.`
  );
}

/**
 * "Flat": the RSS grows by at most `FLAT_MIB_PER_1000` per 1,000 conversations
 * over the second half of the measured window, which starts once SQLite's page
 * cache is at its cap (see agent-turns-memory.ts). Judged only then and over
 * `JUDGED_CONVERSATIONS`; the line names the part that grows most.
 */
export function memoryVerdict(memory: MemoryResult, conversations: number) {
  const rss = memory.secondHalf.rss;
  const flat = rss <= FLAT_MIB_PER_1000;
  const parts = (Object.keys(memoryParts) as MemoryPart[]).filter((p) => !["rss", "anonymous"].includes(p));
  const most = parts.reduce((a, b) => (memory.secondHalf[b] > memory.secondHalf[a] ? b : a));
  const why = !memory.cacheFull
    ? `: not judged, the database did not outgrow the page cache cap (${memory.pageCacheMiB.toFixed(1)} MiB) within the fill`
    : conversations < JUDGED_CONVERSATIONS
      ? `: judged only with --conversations ${JUDGED_CONVERSATIONS}; here it would ${flat ? "pass" : "fail"}`
      : "";
  return {
    ok: flat,
    judged: memory.cacheFull && conversations >= JUDGED_CONVERSATIONS,
    line:
      `memory over ${conversations} conversations after ${memory.fillConversations} filling SQLite's ` +
      `${memory.pageCacheMiB.toFixed(1)} MiB page cache: RSS ${signed(rss)} MiB per 1,000 over the second half, ` +
      `most from ${memoryParts[most]} (${signed(memory.secondHalf[most])}) ` +
      `(target flat, ≤ ${FLAT_MIB_PER_1000} MiB per 1,000, over ${JUDGED_CONVERSATIONS} conversations${why})`,
  };
}

function formatSlopes(slopes: PartSlopes): string {
  return (Object.keys(memoryParts) as MemoryPart[])
    .map((part) => `${memoryParts[part]} ${signed(slopes[part])}`)
    .join(", ");
}

function signed(mib: number): string {
  return `${mib >= 0 ? "+" : ""}${mib.toFixed(2)}`;
}
