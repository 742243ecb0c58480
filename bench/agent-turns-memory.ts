import { sqlitePageCacheKiB } from "../src/store/sqlite/open-sqlite-database.js";
import { Customers } from "./agent-turns-customers.js";
import type { Sample } from "./agent-turns-server.js";
import type { Server } from "./agent-turns-server-process.js";
import { closedLoop } from "./lib/closed-loop.js";
import { formatTable } from "./lib/format-table.js";
import { slope } from "./lib/slope.js";

/** The parts of the server's memory whose growth is reported (see bench/lib/process-memory.ts). */
export const memoryParts = {
  rss: "RSS",
  anonymous: "anonymous",
  file: "file-backed",
  v8Heap: "V8 heap resident",
  heapUsed: "V8 heap used",
  native: "native (malloc)",
  external: "Buffers",
} as const;
export type MemoryPart = keyof typeof memoryParts;
export type PartSlopes = Record<MemoryPart, number>;

export interface MemoryResult {
  /** Conversations run before the measured ones, until the database outgrew SQLite's page cache. */
  fillConversations: number;
  /** Whether it did (within `MAX_FILL_CONVERSATIONS`): only then is the growth judged. */
  cacheFull: boolean;
  /** The page cache's cap, MiB (`sqlitePageCacheKiB`). */
  pageCacheMiB: number;
  /** Least-squares slopes, MiB per 1,000 measured conversations: over the second half (judged), and all of it. */
  secondHalf: PartSlopes;
  whole: PartSlopes;
  /** Growth of the database file + WAL + shm over the measured window, per turn answered. */
  dbBytesPerTurn: number;
  /**
   * The main file alone. The WAL grows to about 4 MB and is then reused, so a
   * short run counts it in full; the main file lags by what is not yet
   * checkpointed. The two bracket the steady cost.
   */
  dbFileBytesPerTurn: number;
  cpuMsPerTurn: number;
}

const SLICES = 20;
const FILL_SLICE = 500;
const MAX_FILL_CONVERSATIONS = 20_000;
const MiB = 1024 * 1024;

/**
 * The memory phase of bench/agent-turns.ts against the retrieval server at
 * `concurrency`, in two parts, sampling after a full GC in the server
 * (`--expose-gc`) its memory by part, CPU and database files:
 *
 * 1. Fill: conversations in slices of 500 until the database's main file is
 *    larger than SQLite's page cache cap. The database was created by this
 *    server's one connection, so every page of it went through that cache:
 *    once the file outgrows the cap, the cache is at its cap and stays there.
 *    Before, the RSS grows with the database by design (about 2 KiB per turn),
 *    which is a bounded cache filling, not a leak.
 * 2. Measure: `conversations` conversations of `turnsPerConversation`
 *    messages in 20 slices. "Flat" is judged on the RSS slope over the
 *    second half (V8's heap and the JIT settle in the first); the slope of
 *    every part is returned, so that the report names the one that grows.
 */
export async function memoryPhase(input: {
  server: Server;
  conversations: number;
  turnsPerConversation: number;
  concurrency: number;
}): Promise<MemoryResult> {
  const { server, conversations, turnsPerConversation, concurrency } = input;
  const capBytes = sqlitePageCacheKiB * 1024;
  const fill = new Customers("memory-fill-", 1);
  const talk = async (customers: Customers, total: number) => {
    const model = `agent:${server.agent}`;
    const result = await closedLoop({
      url: server.url,
      headers: { authorization: `Bearer ${server.apiKey}` },
      concurrency,
      total,
      body: (_, worker) => {
        const { user, message } = customers.next(worker);
        return JSON.stringify({ model, user, messages: [{ role: "user", content: message }] });
      },
    });
    if (result.failed > 0) console.error(`memory phase: ${result.failed} failed (${result.error})`);
    return result.latencies.length;
  };
  let filled = await server.sample(true);
  while (mainFileBytes(filled) <= capBytes && fill.conversations < MAX_FILL_CONVERSATIONS) {
    await talk(fill, FILL_SLICE);
    filled = await server.sample(true);
  }
  const cacheFull = mainFileBytes(filled) > capBytes;
  console.log(
    `\nmemory phase: ${fill.conversations} conversations first, until the database's main file ` +
      `(${(mainFileBytes(filled) / MiB).toFixed(1)} MiB) ${cacheFull ? "outgrew" : "had NOT outgrown"} ` +
      `SQLite's page cache cap (${(capBytes / MiB).toFixed(1)} MiB, PRAGMA cache_size = -${sqlitePageCacheKiB})`,
  );

  const customers = new Customers("memory-", turnsPerConversation);
  const samples = [{ conversations: 0, turns: 0, ...filled }];
  let turns = 0;
  for (let slice = 1; slice <= SLICES; slice++) {
    const target = Math.round((conversations * slice) / SLICES) * turnsPerConversation;
    turns += await talk(customers, target - turns);
    samples.push({ conversations: customers.conversations, turns, ...(await server.sample(true)) });
  }
  printSamples(samples, conversations, concurrency);
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const slopes = (from: number) => {
    const points = samples.slice(from);
    const of = (value: (s: Sample) => number) =>
      slope(points.map((s) => [s.conversations / 1000, value(s) / MiB] as const));
    const parts = {} as PartSlopes;
    for (const part of Object.keys(memoryParts) as MemoryPart[]) parts[part] = of((s) => partBytes(s, part));
    return parts;
  };
  return {
    fillConversations: fill.conversations,
    cacheFull,
    pageCacheMiB: capBytes / MiB,
    secondHalf: slopes(Math.floor(samples.length / 2)),
    whole: slopes(0),
    dbBytesPerTurn: (last.dbBytes - first.dbBytes) / Math.max(1, turns),
    dbFileBytesPerTurn: (mainFileBytes(last) - mainFileBytes(first)) / Math.max(1, turns),
    cpuMsPerTurn: (last.cpuMs - first.cpuMs) / Math.max(1, turns),
  };
}

function partBytes(s: Sample, part: MemoryPart): number {
  if (part === "rss") return s.memory.rssBytes;
  if (part === "heapUsed") return s.heapUsedBytes;
  return s.memory[`${part}Bytes`];
}

/** The main database file (and its 32 KiB -shm), without the WAL. */
function mainFileBytes(s: Sample): number {
  return s.dbBytes - s.walBytes;
}

function printSamples(
  samples: readonly (Sample & { conversations: number; turns: number })[],
  conversations: number,
  concurrency: number,
): void {
  const parts = Object.keys(memoryParts) as MemoryPart[];
  const table = [["conversations", "turns", ...parts.map((p) => memoryParts[p]), "database", "of which WAL"]];
  for (const s of samples) {
    table.push([
      String(s.conversations),
      String(s.turns),
      ...parts.map((p) => (partBytes(s, p) / MiB).toFixed(1)),
      (s.dbBytes / MiB).toFixed(2),
      (s.walBytes / MiB).toFixed(2),
    ]);
  }
  console.log(
    `memory of the retrieval server in MiB (after a full GC) over ${conversations} conversations, c=${concurrency}:`,
  );
  console.log(formatTable(table, []));
  console.log(
    "(anonymous = V8 heap resident + native; native = malloc (SQLite's page cache, Node's Buffers) and stacks;\n" +
      "file-backed = mapped code and the WAL's -shm; from /proc/self/smaps_rollup)",
  );
}
