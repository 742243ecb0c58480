import { Customers } from "./agent-turns-customers.js";
import type { Server } from "./agent-turns-server-process.js";
import { closedLoop } from "./lib/closed-loop.js";
import { formatTable } from "./lib/format-table.js";

export interface MemoryResult {
  /** Least-squares slope of the RSS over the second half of the samples, MiB per 1,000 conversations. */
  rssMiBPer1000SecondHalf: number;
  /** The same over the whole run (after the first slice). */
  rssMiBPer1000: number;
  heapMiBPer1000: number;
  /** Growth of the database file + WAL + shm over the run, per turn answered. */
  dbBytesPerTurn: number;
  /**
   * The main file alone. The WAL grows to about 4 MB and is then reused, so a
   * short run counts it in full; the main file lags by what is not yet
   * checkpointed. The two bracket the steady cost.
   */
  dbFileBytesPerTurn: number;
  cpuMsPerTurn: number;
}

const SLICES = 10;
const MiB = 1024 * 1024;

/**
 * The memory phase of bench/agent-turns.ts: `conversations` conversations of
 * `turnsPerConversation` messages against the retrieval server at
 * `concurrency`, in ten slices; after each, a full GC in the server
 * (`--expose-gc`) and a sample of its RSS, heap and database files. Prints
 * the samples and returns the slopes: "flat" is judged on the RSS slope over
 * the second half (the first half includes SQLite's page cache and the
 * JIT filling up).
 */
export async function memoryPhase(input: {
  server: Server;
  conversations: number;
  turnsPerConversation: number;
  concurrency: number;
}): Promise<MemoryResult> {
  const { server, conversations, turnsPerConversation, concurrency } = input;
  const customers = new Customers("memory-", turnsPerConversation);
  const model = `agent:${server.agent}`;
  const first = await server.sample(true);
  const samples = [{ conversations: 0, turns: 0, ...first }];
  let turns = 0;
  for (let slice = 1; slice <= SLICES; slice++) {
    const target = Math.round((conversations * slice) / SLICES) * turnsPerConversation;
    const result = await closedLoop({
      url: server.url,
      headers: { authorization: `Bearer ${server.apiKey}` },
      concurrency,
      total: target - turns,
      body: (_, worker) => {
        const { user, message } = customers.next(worker);
        return JSON.stringify({ model, user, messages: [{ role: "user", content: message }] });
      },
    });
    if (result.failed > 0) console.error(`memory phase: ${result.failed} failed (${result.error})`);
    turns += result.latencies.length;
    samples.push({ conversations: customers.conversations, turns, ...(await server.sample(true)) });
  }
  const last = samples[samples.length - 1]!;
  const table = [["conversations", "turns", "RSS MiB", "heap MiB", "database MiB", "of which WAL"]];
  for (const s of samples) {
    table.push([
      String(s.conversations),
      String(s.turns),
      (s.rssBytes / MiB).toFixed(1),
      (s.heapUsedBytes / MiB).toFixed(1),
      (s.dbBytes / MiB).toFixed(2),
      (s.walBytes / MiB).toFixed(2),
    ]);
  }
  console.log(
    `\nmemory of the retrieval server (after a full GC) over ${conversations} conversations, c=${concurrency}:`,
  );
  console.log(formatTable(table, []));
  const perThousand = (from: number, key: "rssBytes" | "heapUsedBytes") => {
    const points = samples.slice(from);
    return slope(points.map((s) => [s.conversations / 1000, s[key] / MiB] as const));
  };
  return {
    rssMiBPer1000SecondHalf: perThousand(Math.floor(samples.length / 2), "rssBytes"),
    rssMiBPer1000: perThousand(1, "rssBytes"),
    heapMiBPer1000: perThousand(1, "heapUsedBytes"),
    dbBytesPerTurn: (last.dbBytes - first.dbBytes) / Math.max(1, turns),
    dbFileBytesPerTurn:
      (last.dbBytes - last.walBytes - (first.dbBytes - first.walBytes)) / Math.max(1, turns),
    cpuMsPerTurn: (last.cpuMs - first.cpuMs) / Math.max(1, turns),
  };
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
