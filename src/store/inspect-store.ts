import Database from "better-sqlite3";
import { StoreError } from "../spec/errors.js";
import { parseStoreUrl } from "./open-store.js";
import { assertSchemaUsable, readSchemaVersion } from "./sqlite/apply-migrations.js";
import { latestSchemaVersion } from "./sqlite/migrations.js";
import { normalizeSqliteError } from "./sqlite/normalize-sqlite-error.js";
import { assertSqliteFile } from "./sqlite/open-sqlite-database.js";

export interface StoreInspection {
  /** False when the store has not been created yet (first use creates it). */
  exists: boolean;
  engine: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  /** `PRAGMA quick_check` findings; empty when healthy. */
  problems: string[];
}

/**
 * Looks at a store without creating, migrating or locking it (for `doctor`).
 * Throws the same `StoreError`s as `openStore` for a file it would refuse.
 */
export async function inspectStore(url: string): Promise<StoreInspection> {
  const target = parseStoreUrl(url);
  if (target.kind === "postgres") {
    throw new StoreError("unavailable", "the PostgreSQL store is not implemented yet", {
      hint: "Use SQLite for now: unset DATABASE_URL.",
    });
  }
  const empty = { engine: "sqlite", schemaVersion: 0, latestSchemaVersion, problems: [] };
  if (target.file === ":memory:" || !assertSqliteFile(target.file)) return { exists: false, ...empty };
  let db: Database.Database | undefined;
  try {
    db = new Database(target.file, { readonly: true, fileMustExist: true });
    assertSchemaUsable(db, target.file);
    const version = (db.prepare("select sqlite_version() as v").get() as { v: string }).v;
    const mode = String(db.pragma("journal_mode", { simple: true })).toUpperCase();
    const check = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check);
    return {
      exists: true,
      engine: `sqlite ${version} (${mode})`,
      schemaVersion: readSchemaVersion(db),
      latestSchemaVersion,
      problems: check.filter((line) => line !== "ok"),
    };
  } catch (error) {
    throw normalizeSqliteError(error, { file: target.file, busyTimeoutMs: 0 });
  } finally {
    db?.close();
  }
}
