/**
 * `doctor` on a PostgreSQL store (a throwaway server): the server's version,
 * the schema, the text search extensions and pgvector, each with what it
 * means; an unreachable server and a newer schema fail with the URL minus
 * its password.
 */
import { expect, it } from "vitest";
import { loadConfig } from "../../config/load-config.js";
import { openStore } from "../../store/open-store.js";
import { latestPostgresSchemaVersion } from "../../store/postgres/postgres-migrations.js";
import {
  describePostgres,
  freshPostgresUrl,
  postgresServer,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { checkStore } from "./check-store.js";

const withPassword = (url: string) => url.replace("alambique@", "alambique:hunter2@");
const doctor = async (url: string) => {
  const results = await checkStore({ config: loadConfig({ env: { DATABASE_URL: withPassword(url) } }) });
  return [results].flat();
};

describePostgres("doctor: the PostgreSQL store", () => {
  it("shows the server, the schema to migrate to, the extensions and what pgvector's absence means", async () => {
    const url = await freshPostgresUrl("doctor");
    const before = await doctor(url);
    expect(before.map((r) => [r.id, r.status])).toEqual([
      ["store", "warn"],
      ["postgres-extensions", "ok"],
      ["pgvector", "ok"],
    ]);
    expect(before[0]!.detail).toMatch(
      /: PostgreSQL 1[5-9]\.\d+.*, schema v0 \(v\d+ is applied by `alambique migrate`/,
    );
    expect(before[0]!.fix).toContain("alambique migrate");
    expect(before[1]!.detail).toMatch(/^unaccent \d\.\d+, btree_gin \d\.\d+$/);
    // Where .ci/build-pgvector.sh installed pgvector (CI), its path is tested in prepare-pgvector.test.ts.
    const pgvector = await raw(url, (c) =>
      c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"),
    );
    expect(before[2]!.detail).toMatch(
      pgvector.rowCount
        ? /^available \(0\.\d+\.\d+\), created by the next start/
        : /^not installed \(the fallback\): vector search scans .* 0\.3 s/,
    );
    expect(JSON.stringify(before)).not.toContain("hunter2");

    await (await openStore(url)).close();
    const after = await doctor(url);
    expect(after[0]).toMatchObject({ status: "ok" });
    expect(after[0]!.detail).toContain(`schema v${latestPostgresSchemaVersion}`);
  });

  it("fails on a newer schema and on an unreachable server, without the password", async () => {
    const url = await freshPostgresUrl("doctornew");
    await (await openStore(url)).close();
    await raw(url, (c) =>
      c.query("INSERT INTO alambique_migrations VALUES ($1, 'future', now())", [
        latestPostgresSchemaVersion + 1,
      ]),
    );
    const newer = await doctor(url);
    expect(newer[0]).toMatchObject({ status: "fail" });
    expect(newer[0]!.detail).toMatch(/newer than/);
    const server = await postgresServer();
    const gone = await doctor(server.url("doctornew").replace(/:(\d+)\//, ":1/"));
    expect(gone[0]).toMatchObject({ status: "fail" });
    expect(JSON.stringify([newer, gone])).not.toContain("hunter2");
  });
});
