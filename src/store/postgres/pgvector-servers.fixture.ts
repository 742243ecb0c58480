/**
 * The servers the pgvector suites run on, one `describe` each: PGlite with
 * pgvector's WASM build (always: a devDependency) and a native PostgreSQL
 * with pgvector installed (.ci/build-pgvector.sh builds 0.8.0 from Debian's
 * source). The native server is skipped, saying why, when PostgreSQL or its
 * pgvector is missing, unless ALAMBIQUE_REQUIRE_PGVECTOR is set (CI): then
 * the file fails to load.
 *
 * The two differ in what a test must know: PGlite is one session on one
 * database (stores on it use `poolSize: 1`, tests keep apart by tenant, and a
 * `SET` reaches the store's connection), while the native server gives each
 * `freshUrl()` its own database and per-database settings reach the store's
 * connections opened after them (ALTER DATABASE … SET).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type PgliteServer, startPgliteServer } from "./pglite-pgvector.fixture.js";
import { findPostgresBinaries } from "./postgres-cluster.fixture.js";
import { freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";

/** Runs statements on one session: `$1…` bound to `values`, rows returned. */
export type Session = <R = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

export interface PgvectorServer {
  /** "PGlite (pgvector WASM)" or "native PostgreSQL N (pgvector V)". */
  name: string;
  native: boolean;
  /** The pool size stores on this server may use (1 on PGlite: one session). */
  poolSize: number;
  /** A URL for stores: a new database on the native server, the one database on PGlite. */
  freshUrl(prefix?: string): Promise<string>;
  /** Runs `use` on one session of `url`, behind the store's back. */
  session<T>(url: string, use: (query: Session) => Promise<T>): Promise<T>;
  /**
   * Server settings (`name` → value) for the store connections on `url` opened after this call; `undefined`
   * resets one. PGlite: SET on its one session. Native: ALTER DATABASE … SET.
   */
  configure(url: string, settings: Record<string, string | undefined>): Promise<void>;
}

export const requirePgvector = Boolean(process.env.ALAMBIQUE_REQUIRE_PGVECTOR);

/** pgvector's version installed with the native PostgreSQL (its control file), or why there is none. */
function nativePgvector(): { version: string; major: string } | { missing: string } {
  const bin = findPostgresBinaries();
  if (!bin) return { missing: "no PostgreSQL binaries (apt-get install postgresql)" };
  const pgConfig = join(bin, "pg_config");
  const shareDir = existsSync(pgConfig)
    ? spawnSync(pgConfig, ["--sharedir"], { encoding: "utf8" }).stdout.trim()
    : "";
  const control = join(shareDir, "extension", "vector.control");
  const major = /postgresql\/(\d+)\//.exec(`${bin}/`)?.[1] ?? "";
  if (!shareDir || !existsSync(control)) {
    return { missing: `no pgvector in this PostgreSQL (${control}): run .ci/build-pgvector.sh` };
  }
  const version = /default_version\s*=\s*'([^']+)'/.exec(readFileSync(control, "utf8"));
  return { version: version?.[1] ?? "unknown", major };
}

const native = nativePgvector();
if ("missing" in native && requirePgvector) {
  throw new Error(`ALAMBIQUE_REQUIRE_PGVECTOR is set, but found ${native.missing}`);
}

/** The native server: one throwaway cluster per test file (postgres-test-server.fixture.ts), a database per URL. */
const nativeServer = (version: string, major: string): PgvectorServer => ({
  name: `native PostgreSQL ${major} (pgvector ${version})`,
  native: true,
  poolSize: 4,
  freshUrl: (prefix = "pgv") => freshPostgresUrl(prefix),
  session: (url, use) =>
    raw(url, (client: pg.Client) => use(async (text, values) => (await client.query(text, values)).rows)),
  async configure(url, settings) {
    const database = new URL(url).pathname.slice(1);
    await raw(url, async (client) => {
      for (const [name, value] of Object.entries(settings)) {
        // Names and values come from the tests themselves, never from input.
        await client.query(
          value === undefined
            ? `ALTER DATABASE "${database}" RESET ${name}`
            : `ALTER DATABASE "${database}" SET ${name} = '${value}'`,
        );
      }
    });
  },
});

const pgliteServer = (server: () => PgliteServer): PgvectorServer => ({
  name: "PGlite (pgvector WASM)",
  native: false,
  poolSize: 1,
  freshUrl: async () => server().url,
  session: (_url, use) => use(async (text, values) => (await server().db.query(text, values)).rows as never),
  async configure(_url, settings) {
    for (const [name, value] of Object.entries(settings)) {
      await server().db.exec(value === undefined ? `RESET ${name}` : `SET ${name} = '${value}'`);
    }
  },
});

/**
 * Declares `body` once per pgvector server, inside `describe("<name> on <server>")`. PGlite starts before the
 * suite's tests (a few seconds: the WASM compiles) and stops after them.
 */
export function describeOnPgvectorServers(name: string, body: (server: PgvectorServer) => void): void {
  describe(`${name} on PGlite (pgvector WASM)`, () => {
    let pglite: PgliteServer | undefined;
    beforeAll(async () => {
      pglite = await startPgliteServer();
    }, 60_000);
    afterAll(async () => {
      await pglite?.stop();
    });
    body(pgliteServer(() => pglite!));
  });
  if ("missing" in native) {
    describe.skip(`${name} on native PostgreSQL — skipped: ${native.missing}`, () => {
      it("needs pgvector installed in the native PostgreSQL", () => {});
    });
  } else {
    const server = nativeServer(native.version, native.major);
    describe(`${name} on ${server.name}`, () => body(server));
  }
}

/** Whether the native PostgreSQL has pgvector (its suites run) — else they are skipped, saying why. */
export const nativePgvectorInstalled = !("missing" in native);
