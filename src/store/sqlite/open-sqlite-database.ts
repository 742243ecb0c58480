/**
 * Opens (or creates) the SQLite file behind a store and makes it ready: the
 * header check, connection pragmas, sqlite-vec, the schema checks and the
 * migrations, in an order that writes nothing to a file we must refuse.
 *
 * Throws `StoreError`: `not_a_database` (not SQLite, or someone else's
 * database; the file is left untouched), `newer_schema` (written by a newer
 * Alambique; untouched), `locked` (another process held the write lock past
 * the busy timeout while we had to migrate), `unavailable` (cannot create or
 * open the file), `full` (no room on the disk to create it).
 */
import { closeSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { StoreError } from "../../spec/errors.js";
import { applyMigrations, assertSchemaUsable } from "./apply-migrations.js";
import type { Migration } from "./migrations.js";
import { normalizeSqliteError, type SqliteErrorContext } from "./normalize-sqlite-error.js";

export interface OpenSqliteDatabaseOptions {
  /** How long a statement waits for another connection's write lock before failing, in ms. */
  busyTimeoutMs: number;
}

export interface OpenedSqliteDatabase {
  db: Database.Database;
  /** `wal` for files; `memory` for `:memory:`. */
  journalMode: string;
  /** The migrations this open applied (empty when the schema was current). */
  applied: Migration[];
}

/**
 * The page cache of one connection, in KiB (SQLite's `cache_size = -N`: pages
 * and their headers together, about 15.6 MiB). It is malloc'd memory that
 * grows as pages are read or written and stops at this cap (least recently
 * used pages out), so a server's RSS climbs by up to this much while its
 * database grows past it (bench/agent-turns.ts's memory phase), then stays.
 * The same figure better-sqlite3 is built with (SQLITE_DEFAULT_CACHE_SIZE),
 * stated here so that another build of the driver cannot change it. One
 * connection per store; mmap stays off (mmap_size 0), so database pages are
 * never file-backed memory.
 */
export const sqlitePageCacheKiB = 16_000;

const sqliteHeader = Buffer.from("SQLite format 3\0", "latin1");

/** `file` is a path or `:memory:`. */
export function openSqliteDatabase(file: string, options: OpenSqliteDatabaseOptions): OpenedSqliteDatabase {
  const context = { file, busyTimeoutMs: options.busyTimeoutMs };
  if (file !== ":memory:") prepareFile(file, context);
  let db: Database.Database | undefined;
  try {
    // `timeout` is SQLite's busy_timeout for this connection.
    db = new Database(file, { timeout: options.busyTimeoutMs });
    // Connection settings first: they write nothing to the file.
    db.pragma("foreign_keys = ON");
    // FULL: a write is acknowledged only once it is on disk, so it survives a power cut.
    db.pragma("synchronous = FULL");
    db.pragma(`cache_size = -${sqlitePageCacheKiB}`);
    sqliteVec.load(db);
    assertSchemaUsable(db, file);
    const journalMode = String(db.pragma("journal_mode = WAL", { simple: true })).toLowerCase();
    const applied = applyMigrations(db, file);
    return { db, journalMode, applied };
  } catch (error) {
    db?.close();
    throw normalizeSqliteError(error, context);
  }
}

/** Creates the parent folder, then checks the file (see `assertSqliteFile`). */
function prepareFile(file: string, context: SqliteErrorContext): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    const normalized = normalizeSqliteError(error, context);
    if (StoreError.isInstance(normalized)) throw normalized;
    throw new StoreError("unavailable", `cannot create the folder for ${file}`, {
      hint: `Check that ${dirname(file)} can be created by this user, or choose another data folder.`,
      cause: error,
    });
  }
  assertSqliteFile(file);
}

/**
 * Refuses a non-empty file that does not start with the SQLite header (SQLite
 * would otherwise fail later, or, for some inputs, treat it as a database it
 * may write to). Returns false when the file does not exist. Reads only.
 */
export function assertSqliteFile(file: string): boolean {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) {
      throw new StoreError("not_a_database", `${file} is a folder, not a SQLite database file`, {
        hint: `Name a file inside it instead, e.g. ${file}/alambique.db.`,
      });
    }
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  if (size === 0) return true;
  const head = Buffer.alloc(sqliteHeader.length);
  try {
    const fd = openSync(file, "r");
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new StoreError("unavailable", `cannot read ${file}`, {
      hint: `Check that ${file} is readable and writable by this user.`,
      cause: error,
    });
  }
  if (!head.equals(sqliteHeader)) {
    throw new StoreError(
      "not_a_database",
      `${file} is not a SQLite database (its first bytes are not "SQLite format 3")`,
      {
        hint: `The file was left untouched. Point Alambique at another file (--data DIR or DATABASE_URL), or move ${file} away.`,
      },
    );
  }
  return true;
}
