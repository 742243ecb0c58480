/**
 * `alambique migrate` and `store.migrateOnStart: false` on both stores; on
 * PostgreSQL, a migration killed half-way (SIGKILL of the migrating process
 * while it waits on a lock inside its transaction) leaves the old schema
 * whole, and `migrate` runs it again.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { latestPostgresSchemaVersion, postgresMigrations } from "../../store/postgres/postgres-migrations.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { latestSchemaVersion } from "../../store/sqlite/migrations.js";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";

let data: string;
beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), "alq-migrate-"));
});

/** A config file that turns migrating on start off. */
function noMigrateConfig(): string {
  const file = join(data, "alambique.yaml");
  writeFileSync(file, "store:\n  migrateOnStart: false\n");
  return file;
}

describe("alambique migrate: sqlite", () => {
  it("lists, applies, then finds nothing to do; a start with migrateOnStart false refuses until then", async () => {
    const refused = await runCli(["agents", "list", "--data", data, "--config", noMigrateConfig()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has no schema yet .*migrating on start is off/);
    expect(refused.stderr).toContain("alambique migrate");

    const dry = await runCli(["migrate", "--dry-run", "--data", data]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/is at schema 0; `alambique migrate` would apply:/);
    const json = JSON.parse((await runCli(["migrate", "--dry-run", "--json", "--data", data])).stdout);
    expect(json).toMatchObject({ engine: "sqlite", from: 0, to: 0, latest: latestSchemaVersion });
    expect(json.pending).toHaveLength(latestSchemaVersion);

    const applied = await runCli(["migrate", "--data", data]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`schema 0 → ${latestSchemaVersion}, applied:`);
    expect((await runCli(["migrate", "--data", data])).stdout).toMatch(/the latest: nothing to do/);
    const listed = await runCli(["agents", "list", "--data", data, "--config", noMigrateConfig()]);
    expect(listed.code, listed.stderr).toBe(0);
  });
});

describePostgres("alambique migrate: postgres", () => {
  const cli = (url: string, ...argv: string[]) =>
    runCli([...argv, "--data", data], { DATABASE_URL: url.replace("alambique@", "alambique:hunter2@") });

  /** A database at schema `version`, as an older Alambique left it. */
  async function databaseAt(version: number): Promise<string> {
    const url = await freshPostgresUrl("mig");
    await raw(url, async (c) => {
      await c.query(
        "CREATE TABLE alambique_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
      );
      for (const m of postgresMigrations.filter((m) => m.version <= version)) {
        await c.query(m.sql);
        await c.query("INSERT INTO alambique_migrations VALUES ($1, $2, now())", [m.version, m.name]);
      }
    });
    return url;
  }
  const versions = (url: string) =>
    raw(url, async (c) =>
      (await c.query<{ version: number }>("SELECT version FROM alambique_migrations ORDER BY 1")).rows.map(
        (r) => r.version,
      ),
    );

  it("refuses an older schema with migrateOnStart false, then migrates it, naming the database without its password", async () => {
    const url = await databaseAt(2);
    const refused = await cli(url, "agents", "list", "--config", noMigrateConfig());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `has schema version 2; this Alambique needs ${latestPostgresSchemaVersion}`,
    );
    expect(await versions(url)).toEqual([1, 2]);

    const done = await cli(url, "migrate");
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`schema 2 → ${latestPostgresSchemaVersion}, applied:`);
    expect(done.stdout).toContain(url.replace(/^postgres:\/\/alambique@/, "postgres://alambique@"));
    expect(`${done.stdout}${done.stderr}`).not.toContain("hunter2");
    expect(await versions(url)).toEqual(postgresMigrations.map((m) => m.version));
    expect((await cli(url, "agents", "list", "--config", noMigrateConfig())).code).toBe(0);
  });

  it("refuses a newer schema, untouched", async () => {
    const url = await databaseAt(latestPostgresSchemaVersion);
    await raw(url, (c) =>
      c.query("INSERT INTO alambique_migrations VALUES ($1, 'from the future', now())", [
        latestPostgresSchemaVersion + 1,
      ]),
    );
    const refused = await cli(url, "migrate");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/newer than the \d+ this Alambique knows/);
    expect(refused.stderr).not.toContain("hunter2");
    expect(await versions(url)).toHaveLength(latestPostgresSchemaVersion + 1);
  });

  it("leaves nothing of a migration killed half-way, and runs it again", async () => {
    const url = await databaseAt(2);
    await raw(url, async (holder) => {
      // Migration 3 references tenants and jobs: holding them, it waits inside its transaction.
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE tenants, jobs IN ACCESS EXCLUSIVE MODE");
      const migrating = spawnCli(["migrate", "--data", data], { DATABASE_URL: url });
      try {
        await waitUntil(async () => {
          // Not on the holder: inside its transaction pg_stat_activity is a snapshot.
          const waiting = await raw(url, (c) =>
            c.query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            ),
          );
          return waiting.rows[0].n === 1;
        });
        migrating.child.kill("SIGKILL");
        await migrating.exited;
      } finally {
        migrating.child.kill("SIGKILL");
      }
      await holder.query("ROLLBACK");
    });
    expect(await versions(url)).toEqual([1, 2]);
    const left = await raw(
      url,
      async (c) => (await c.query("SELECT to_regclass('synth_tasks') AS t")).rows[0].t,
    );
    expect(left).toBeNull();
    const again = await cli(url, "migrate");
    expect(again.code, again.stderr).toBe(0);
    expect(await versions(url)).toEqual(postgresMigrations.map((m) => m.version));
  }, 60_000);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
