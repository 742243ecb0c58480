/**
 * Pieces of bench/scale-profile.ts: an `alambique serve` process under
 * `node --cpu-prof` (the CLI from source, its profile written to `dir/prof`
 * when it exits), and CPU time read from /proc (Linux) for it and for
 * PostgreSQL's processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const entry = new URL("../../src/cli/__fixtures__/cli-entry.ts", import.meta.url).pathname;
const ticks = 100; // USER_HZ: /proc times are in 1/100 s on Linux

/** CPU seconds (user + system) of `pids`, and of their children already waited for. */
export function cpuSeconds(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      sum += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone meanwhile
    }
  }
  return sum / ticks;
}

/** Every PostgreSQL process (postmaster and backends). */
export function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    });
}

export async function serveProfiled(
  url: string,
  dir: string,
): Promise<{ base: string; child: ChildProcess; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "alambique.yaml");
  writeFileSync(
    config,
    "server:\n  limits:\n    requestsPerMinute: 1000000000\n    queue:\n      maxWaiting: 256\n",
  );
  const child = spawn(
    process.execPath,
    [
      "--cpu-prof",
      "--cpu-prof-dir",
      join(dir, "prof"),
      "--import",
      "tsx",
      entry,
      "serve",
      "--port",
      "0",
    ].concat(["--host", "127.0.0.1", "--config", config, "--data", join(dir, "data")]),
    {
      env: { ...process.env, DATABASE_URL: url, ALAMBIQUE_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!/Press Ctrl-C/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const base = /serving (http:\/\/\S+)\/v1/.exec(output)![1]!;
  return {
    base,
    child,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
