/**
 * One throwaway PostgreSQL server per test file, started on first use and
 * stopped after the file's tests, plus `raw` for what a test must do behind
 * the store's back. `describePostgres` skips a suite, saying why, when no
 * PostgreSQL binaries are installed (it fails instead under
 * ALAMBIQUE_REQUIRE_POSTGRES, as in CI).
 */
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import {
  findPostgresBinaries,
  type PostgresCluster,
  requirePostgres,
  startPostgresCluster,
} from "./postgres-cluster.fixture.js";

const binaries = findPostgresBinaries();
if (!binaries && requirePostgres) {
  throw new Error(
    "ALAMBIQUE_REQUIRE_POSTGRES is set but no PostgreSQL binaries were found: apt-get install postgresql, or set ALAMBIQUE_PG_BIN",
  );
}

/** Whether this machine has PostgreSQL's server binaries (else the suites are skipped, saying why). */
export const postgresInstalled = binaries !== undefined;

let cluster: Promise<PostgresCluster> | undefined;
/** The file's server (started on first call). */
export const postgresServer = (): Promise<PostgresCluster> => (cluster ??= startPostgresCluster());
/** A new empty database on the file's server (extensions already created); its URL. */
export const freshPostgresUrl = async (prefix?: string): Promise<string> =>
  (await postgresServer()).createDatabase(prefix);

afterAll(async () => {
  await (await cluster)?.stop();
});

/** `describe` when PostgreSQL is installed; else a skipped suite whose name says why. */
export function describePostgres(name: string, body: () => void): void {
  if (binaries) describe(name, body);
  else {
    describe.skip(`${name} — skipped: no PostgreSQL binaries (apt-get install postgresql)`, () => {
      it("needs initdb, pg_ctl and postgres", () => {});
    });
  }
}

/** Runs `use` on a plain connection to `url`. */
export async function raw<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
