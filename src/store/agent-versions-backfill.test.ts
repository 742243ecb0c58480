/**
 * The migrations that add agent versions (SQLite 9, PostgreSQL 7) on a store
 * that already has agents: each agent's current spec becomes its version 1,
 * saved when the agent was last saved, by nobody known.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { postgresMigrations } from "./postgres/postgres-migrations.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres/postgres-test-server.fixture.js";
import { migrations } from "./sqlite/migrations.js";

const sqliteVersion = migrations.find((m) => m.name === "agent spec versions")!.version;
const postgresVersion = postgresMigrations.find((m) => m.name === "agent spec versions")!.version;
const spec = { name: "rosa", persona: "Rosa." };
const dir = mkdtempSync(join(tmpdir(), "alambique-agent-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("agent versions migration: sqlite", () => {
  it("makes each existing agent's spec its version 1", () => {
    const db = new Database(join(dir, "old.db"));
    for (const m of migrations.filter((m) => m.version < sqliteVersion)) db.exec(m.sql);
    db.prepare("INSERT INTO tenants (id, slug, name, created_at) VALUES ('t1', 't1', 'T', 'x')").run();
    db.prepare(
      "INSERT INTO agents VALUES ('a1', 't1', 'rosa', ?, '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')",
    ).run(JSON.stringify(spec));
    db.exec(migrations.find((m) => m.version === sqliteVersion)!.sql);
    expect(db.prepare("SELECT * FROM agent_versions").all()).toEqual([
      {
        tenant_id: "t1",
        agent_id: "a1",
        version: 1,
        spec: JSON.stringify(spec),
        saved_at: "2026-02-01T00:00:00.000Z",
        saved_by: null,
      },
    ]);
    db.close();
  });
});

describePostgres("agent versions migration: postgres", () => {
  it("makes each existing agent's spec its version 1", async () => {
    const url = await freshPostgresUrl("backfill");
    const rows = await raw(url, async (client) => {
      for (const m of postgresMigrations.filter((m) => m.version < postgresVersion))
        await client.query(m.sql);
      await client.query("INSERT INTO tenants VALUES ('t1', 't1', 'T', now())");
      await client.query(
        "INSERT INTO agents VALUES ('a1', 't1', 'rosa', $1, now(), '2026-02-01T00:00:00.000Z')",
        [JSON.stringify(spec)],
      );
      await client.query(postgresMigrations.find((m) => m.version === postgresVersion)!.sql);
      return (await client.query("SELECT * FROM agent_versions")).rows;
    });
    expect(rows).toEqual([
      {
        tenant_id: "t1",
        agent_id: "a1",
        version: 1,
        spec,
        saved_at: new Date("2026-02-01T00:00:00.000Z"),
        saved_by: null,
      },
    ]);
  });
});
