/**
 * A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a
 * temporary folder, `pg_ctl start` on 127.0.0.1 at a free port (and a unix
 * socket in the same folder), trust authentication for one role, and a fresh
 * database per `createDatabase()`. `stop()` shuts it down and removes the folder.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as a
 * non-root user (`postgres`, which Debian's package creates, else `nobody`)
 * through `runuser`; the folder is handed to that user. The binaries are
 * looked up in `ALAMBIQUE_PG_BIN`, then the newest /usr/lib/postgresql/N/bin,
 * then PATH. `findPostgresBinaries()` returns undefined when there are none:
 * tests skip then, unless `ALAMBIQUE_REQUIRE_POSTGRES` is set (CI), where they fail.
 *
 * The server trades durability for speed (`fsync=off`): it is thrown away
 * after the run, and the crash test kills the writing client, not the server.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";

export interface PostgresCluster {
  /** `postgres://alambique@127.0.0.1:PORT/` followed by `database`. */
  url(database: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** The server's log so far (for failing tests). */
  log(): string;
  stop(): Promise<void>;
}

export const requirePostgres = Boolean(process.env.ALAMBIQUE_REQUIRE_POSTGRES);

/** The folder holding initdb, pg_ctl and postgres, or undefined. */
export function findPostgresBinaries(): string | undefined {
  const has = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((bin) => existsSync(join(dir, bin)));
  const fromEnv = process.env.ALAMBIQUE_PG_BIN;
  if (fromEnv) return has(fromEnv) ? fromEnv : undefined;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) if (has(join(root, version, "bin"))) return join(root, version, "bin");
  }
  return (process.env.PATH ?? "").split(delimiter).find((dir) => dir !== "" && has(dir));
}

/**
 * Starts a cluster. `settings`: more server settings (`name=value`, e.g.
 * `shared_preload_libraries=pg_stat_statements` for a profile). Throws when
 * the binaries are missing or the server does not start.
 */
export async function startPostgresCluster(settings: readonly string[] = []): Promise<PostgresCluster> {
  const bin = findPostgresBinaries();
  if (!bin) {
    throw new Error(
      "PostgreSQL binaries not found: apt-get install postgresql (Debian), or set ALAMBIQUE_PG_BIN to the folder with initdb",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "alambique-pg-"));
  const data = join(dir, "data");
  const logFile = join(dir, "server.log");
  const port = await freePort();
  const runAs = userInfo().uid === 0 ? serverUser() : undefined;
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chmodSync(dir, 0o700);
  }
  const run = (command: string, args: string[]) => {
    const file = join(bin, command);
    const [exe, argv] = runAs ? ["runuser", ["-u", runAs.name, "--", file, ...args]] : [file, args];
    const result = spawnSync(exe, argv, { encoding: "utf8", cwd: dir });
    if (result.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      throw new Error(`${command} failed (${result.status}): ${result.stderr}${result.stdout}\n${log}`);
    }
  };
  run("initdb", ["-D", data, "-U", "alambique", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=300",
    "-c shared_buffers=128MB",
    ...settings.map((setting) => `-c ${setting}`),
  ].join(" ");
  run("pg_ctl", ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "60", "start"]);

  const url = (database: string) => `postgres://alambique@127.0.0.1:${port}/${database}`;
  const admin = new pg.Client({ connectionString: url("postgres") });
  await admin.connect();
  // The extensions the store creates on first open, made once: each new database copies them.
  await admin.query(
    `CREATE DATABASE alambique_template TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  const template = new pg.Client({ connectionString: url("alambique_template") });
  await template.connect();
  await template.query("CREATE EXTENSION unaccent; CREATE EXTENSION btree_gin");
  await template.end();
  let databases = 0;
  return {
    url,
    async createDatabase(prefix = "t") {
      databases += 1;
      const name = `${prefix}_${process.pid}_${databases}`;
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE alambique_template STRATEGY FILE_COPY`);
      return url(name);
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    async stop() {
      await admin.end().catch(() => {});
      try {
        await stopServer(data);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** SIGQUIT to the postmaster (an immediate shutdown: the data is thrown away), then waits until it is gone. */
async function stopServer(data: string): Promise<void> {
  const pidFile = join(data, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, "SIGQUIT");
  } catch {
    return;
  }
  for (let waited = 0; waited < 10_000; waited += 50) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(pid, "SIGKILL");
}

function serverUser(): { name: string; uid: number; gid: number } {
  for (const name of ["postgres", "nobody"]) {
    const id = spawnSync("id", ["-u", name], { encoding: "utf8" });
    if (id.status !== 0) continue;
    const gid = execFileSync("id", ["-g", name], { encoding: "utf8" });
    return { name, uid: Number(id.stdout.trim()), gid: Number(gid.trim()) };
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
