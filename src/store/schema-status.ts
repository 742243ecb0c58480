/**
 * Where a store's schema stands, read without creating, migrating or locking
 * anything: for `alambique migrate --dry-run`, for `doctor`, and for a start
 * with `store.migrateOnStart: false`, which refuses a store with pending
 * migrations (`migration_pending`) instead of migrating it.
 *
 * Throws the `StoreError`s `openStore` would (`newer_schema`,
 * `not_a_database`, `unavailable`…) for a store it would refuse.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { AlambiqueError } from "../spec/errors.js";
import { parseStoreUrl } from "./open-store.js";
import { assertSchemaUsable, readSchemaVersion } from "./sqlite/apply-migrations.js";
import { latestSchemaVersion, migrations } from "./sqlite/migrations.js";
import { normalizeSqliteError } from "./sqlite/normalize-sqlite-error.js";

export interface SchemaStatus {
  engine: "sqlite" | "postgres";
  /** The store as it may be shown: a file path, or a URL without password. */
  where: string;
  /** False for a SQLite file not created yet. */
  exists: boolean;
  version: number;
  latestVersion: number;
  /** The migrations an open would apply, oldest first. */
  pending: { version: number; name: string }[];
}

export async function readSchemaStatus(url: string): Promise<SchemaStatus> {
  const target = parseStoreUrl(url);
  if (target.kind === "postgres") {
    // Imported here so that a SQLite store never loads `pg`.
    const { readPostgresSchemaStatus } = await import("./postgres/read-postgres-schema-status.js");
    return readPostgresSchemaStatus(target.url);
  }
  const status = (exists: boolean, version: number): SchemaStatus => ({
    engine: "sqlite",
    where: target.file,
    exists,
    version,
    latestVersion: latestSchemaVersion,
    pending: migrations.filter((m) => m.version > version).map(({ version, name }) => ({ version, name })),
  });
  if (target.file === ":memory:" || !existsSync(target.file)) return status(false, 0);
  let db: Database.Database | undefined;
  try {
    db = new Database(target.file, { readonly: true, fileMustExist: true });
    assertSchemaUsable(db, target.file);
    return status(true, readSchemaVersion(db));
  } catch (error) {
    throw normalizeSqliteError(error, { file: target.file, busyTimeoutMs: 0 });
  } finally {
    db?.close();
  }
}

/** Throws `migration_pending` (503) when `status` has migrations to apply. */
export function assertNoPendingMigrations(status: SchemaStatus): void {
  if (status.pending.length === 0) return;
  const what = status.exists
    ? `has schema version ${status.version}; this Alambique needs ${status.latestVersion}`
    : "has no schema yet";
  throw new AlambiqueError(
    `the ${status.engine} store ${status.where} ${what} (${status.pending.length} migration${status.pending.length === 1 ? "" : "s"} pending), and migrating on start is off`,
    {
      code: "migration_pending",
      status: 503,
      retryable: false,
      hint: "Run `alambique migrate` once (with the same DATABASE_URL or --data), then start again; or set store.migrateOnStart: true.",
    },
  );
}
