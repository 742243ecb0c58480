/**
 * A V8 CPU profile (`node --cpu-prof`) summed by where the code lives: self
 * time of each sample's function, grouped by file (our store, the pg driver,
 * Fastify, zod, Node's own…), as shares of the samples that were not idle.
 * What bench/scale-profile.ts prints; bench/lib/cpu-profile-top.ts lists
 * single functions.
 */
import { readFileSync } from "node:fs";

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: a file's URL (or a function's name, for V8's own) against each category. */
const categories: [string, RegExp][] = [
  ["garbage collector", /^\(garbage collector\)$/],
  ["our PostgreSQL store (src/store/postgres)", /src\/store\/postgres\//],
  ["our SQLite store (src/store/sqlite)", /src\/store\/sqlite\//],
  ["our store, shared (src/store)", /src\/store\//],
  ["our knowledge search (src/knowledge)", /src\/knowledge\//],
  ["our agents (src/agents)", /src\/agents\//],
  ["our server (src/server)", /src\/server\//],
  ["our other code (src/)", /\/src\//],
  ["pg driver (pg, pg-protocol, pg-pool…)", /node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\//],
  ["better-sqlite3", /node_modules\/better-sqlite3\//],
  [
    "Fastify and its parts",
    /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-[a-z-]+|pino[a-z-]*)\//,
  ],
  ["zod", /node_modules\/zod\//],
  ["other packages", /node_modules\//],
  ["Node's own (net, http, streams…)", /^node:/],
  ["native and V8 (no file)", /^$/],
];

export interface ProfileCategory {
  name: string;
  /** Percent of busy samples. */
  share: number;
  ms: number;
}

export function profileCategories(file: string): ProfileCategory[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const sums = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const key = frame.functionName === "(garbage collector)" ? frame.functionName : frame.url;
    const name = categories.find(([, pattern]) => pattern.test(key))?.[0] ?? "other";
    sums.set(name, (sums.get(name) ?? 0) + dt);
  });
  return [...sums]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, share: (us / busy) * 100, ms: us / 1000 }));
}
