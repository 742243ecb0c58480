/**
 * Where a retrieval-mode agent turn's time goes on PostgreSQL, against SQLite,
 * side by side in one run: one `alambique serve` on each store (the demo agent
 * `la-espiga`, no model), each under `node --cpu-prof`, the same closed loop
 * as bench/scale.ts for `--seconds` after a 2 s warm-up. For each it prints
 * turns/s, the CPU each turn costs in the server process and (PostgreSQL) in
 * the database's processes (this run's cluster only: its postmaster, which
 * counts its ended backends', and its children), the server's profile by category, and PostgreSQL's
 * statements per turn from `pg_stat_statements` (top-level statements are
 * round trips, except those sent together in one simple query, as
 * `BEGIN; SAVEPOINT …`, which count one each; nested ones run inside
 * functions and triggers), with their execution and planning time (a
 * prepared statement is planned once per connection). Round trips per turn
 * are the top-level statements less the savepoints the store sends together
 * with `BEGIN` or a release (postgres-store.ts), the only statements it
 * sends together.
 *
 *   npx tsx bench/scale-profile.ts [--seconds 10] [--concurrency 8] [--keep DIR] [--only sqlite|postgresql]
 *
 * `--keep DIR` copies the two `.cpuprofile` files there (read them with
 * bench/lib/cpu-profile-top.ts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startPostgresCluster } from "../src/store/postgres/postgres-cluster.fixture.js";
import { closedLoop } from "./lib/closed-loop.js";
import { formatTable } from "./lib/format-table.js";
import { profileCategories } from "./lib/profile-categories.js";
import { cpuSeconds, serveProfiled } from "./lib/profiled-serve.js";
import { seedTurnsStore } from "./scale-processes.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const seconds = Number(option("seconds", "10"));
const concurrency = Number(option("concurrency", "8"));
const keep = option("keep", "");
const only = option("only", "");
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const questions = [
  "¿A qué hora abrís el domingo?",
  "¿Hacéis envíos a Benimaclet?",
  "¿Tenéis pan sin gluten?",
  "¿Aceptáis tarjeta?",
  "¿Cuánto cuesta la tarta de cumpleaños?",
];

function load(base: string, secret: string, forSeconds: number, prefix: string) {
  const turnsOf = new Map<number, number>();
  return closedLoop({
    url: `${base}/v1/chat/completions`,
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    concurrency,
    durationMs: forSeconds * 1000,
    body: (i, worker) => {
      const n = turnsOf.get(worker) ?? 0;
      turnsOf.set(worker, n + 1);
      return JSON.stringify({
        model: "agent:la-espiga",
        user: `${prefix}-${worker}-${Math.floor(n / 5)}`,
        messages: [{ role: "user", content: questions[i % questions.length] }],
      });
    },
  });
}

/** The parent's pid of `pid`, from /proc. */
function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
}

/** The live children of `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => {
      try {
        return parentOf(child) === pid;
      } catch {
        return false; // gone meanwhile
      }
    });
}

interface Statement {
  query: string;
  calls: number;
  ms: number;
  /** Planning time, ms (the statement's text is parsed and planned on each call: node-pg prepares none). */
  planMs: number;
  toplevel: boolean;
}

const cluster = await startPostgresCluster([
  "shared_preload_libraries=pg_stat_statements",
  "pg_stat_statements.track=all",
  "pg_stat_statements.track_planning=on",
]);
const work = mkdtempSync(join(tmpdir(), "alq-bench-profile-"));
const loads = [loadavg()[0]!];
try {
  const rows: string[][] = [];
  const sections: string[] = [];
  for (const [name, url] of [
    ["SQLite", join(work, "alambique.db")],
    ["PostgreSQL", await cluster.createDatabase("profile")],
  ] as const) {
    if (only && name.toLowerCase() !== only) continue;
    const postgres = name === "PostgreSQL";
    log(`${name}: seeding and starting`);
    const secret = await seedTurnsStore(url);
    const admin = postgres ? new pg.Client({ connectionString: url }) : undefined;
    await admin?.connect();
    await admin?.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    const dir = join(work, name);
    const server = await serveProfiled(url, dir);
    let stopped = false;
    try {
      await load(server.base, secret, 2, "warm");
      await admin?.query("SELECT pg_stat_statements_reset()");
      // This run's cluster only (its postmaster, whose CPU counts its ended backends', and its children):
      // other PostgreSQL servers on the machine (other people's tests) are not this turn's cost.
      const postmaster = admin
        ? parentOf((await admin.query("SELECT pg_backend_pid() AS pid")).rows[0].pid)
        : 0;
      const clusterPids = () => (postgres ? [postmaster, ...childrenOf(postmaster)] : []);
      const before = { server: cpuSeconds([server.child.pid!]), db: cpuSeconds(clusterPids()) };
      const result = await load(server.base, secret, seconds, "run");
      const after = { server: cpuSeconds([server.child.pid!]), db: cpuSeconds(clusterPids()) };
      const turns = result.latencies.length;
      const statements: Statement[] = admin
        ? (
            await admin.query<Statement>(
              `SELECT query, calls::int, total_exec_time AS ms, total_plan_time AS "planMs", toplevel FROM pg_stat_statements
               WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC`,
            )
          ).rows
        : [];
      await server.stop();
      stopped = true;
      const profileFile = readdirSync(join(dir, "prof")).find((f) => f.endsWith(".cpuprofile"));
      const categories = profileFile ? profileCategories(join(dir, "prof", profileFile)) : [];
      if (keep && profileFile) {
        mkdirSync(keep, { recursive: true });
        copyFileSync(join(dir, "prof", profileFile), join(keep, `${name.toLowerCase()}.cpuprofile`));
      }
      const top = statements.filter((s) => s.toplevel);
      // The store's transactions send each call's savepoint with BEGIN or with the release of the one before.
      const riding = top.filter((s) => s.query.trim() === "SAVEPOINT alambique_call");
      const nested = statements.filter((s) => !s.toplevel);
      rows.push([
        name,
        (turns / (result.elapsedMs / 1000)).toFixed(1),
        (((after.server - before.server) / turns) * 1000).toFixed(2),
        postgres ? (((after.db - before.db) / turns) * 1000).toFixed(2) : "-",
        postgres ? (top.reduce((s, x) => s + x.calls, 0) / turns).toFixed(1) : "-",
        postgres
          ? (
              (top.reduce((s, x) => s + x.calls, 0) - riding.reduce((s, x) => s + x.calls, 0)) /
              turns
            ).toFixed(1)
          : "-",
        postgres ? (nested.reduce((s, x) => s + x.calls, 0) / turns).toFixed(1) : "-",
        postgres ? (top.reduce((s, x) => s + x.ms, 0) / turns).toFixed(2) : "-",
        postgres ? (top.reduce((s, x) => s + x.planMs, 0) / turns).toFixed(2) : "-",
      ]);
      sections.push(
        `${name} server process, CPU profile by category (self time, share of busy samples):\n${formatTable([
          ["category", "share", "ms"],
          ...categories.map((c) => [c.name, `${c.share.toFixed(1)} %`, c.ms.toFixed(0)]),
        ])}`,
      );
      if (postgres) {
        sections.push(
          `PostgreSQL statements per turn (those run at least once every 5 turns, by execution time; nested: inside functions or triggers):\n${formatTable(
            [
              ["calls/turn", "exec ms/turn", "plan ms/turn", "mean ms", "level", "statement"],
              ...statements
                .filter((s) => s.calls / turns >= 0.2)
                .map((s) => [
                  (s.calls / turns).toFixed(2),
                  (s.ms / turns).toFixed(3),
                  (s.planMs / turns).toFixed(3),
                  (s.ms / s.calls).toFixed(3),
                  s.toplevel ? "top" : "nested",
                  s.query.replace(/\s+/g, " ").slice(0, 110),
                ]),
            ],
          )}`,
        );
      }
    } finally {
      if (!stopped) await server.stop();
      await admin?.end();
    }
    loads.push(loadavg()[0]!);
  }
  console.log(`\nnpx tsx bench/scale-profile.ts --seconds ${seconds} --concurrency ${concurrency}`);
  console.log(
    `node ${process.version}, ${cpus().length} cores, load average ${loads.map((l) => l.toFixed(1)).join(" → ")} (before, after each store)\n`,
  );
  console.log(
    formatTable([
      [
        "store",
        "turns/s",
        "server CPU ms/turn",
        "PostgreSQL CPU ms/turn",
        "statements/turn",
        "round trips/turn",
        "nested/turn",
        "exec ms/turn",
        "plan ms/turn",
      ],
      ...rows,
    ]),
  );
  for (const section of sections) console.log(`\n${section}`);
} finally {
  await cluster.stop();
  rmSync(work, { recursive: true, force: true });
}
