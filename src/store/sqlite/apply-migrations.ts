/**
 * Schema checks and the migration runner.
 *
 * `assertSchemaUsable` only reads (the header and `sqlite_master`), so a file
 * this code must not touch — a newer schema, someone else's database — is
 * refused before anything is written to it. `applyMigrations` applies every
 * pending migration in one `BEGIN IMMEDIATE` transaction: a crash or an error
 * leaves the file at its old version, and two processes opening a new file at
 * once serialise on the write lock (the second finds nothing left to do).
 */
import type { Database } from "better-sqlite3";
import { StoreError } from "../../spec/errors.js";
import { alambiqueApplicationId, latestSchemaVersion, type Migration, migrations } from "./migrations.js";

export function readSchemaVersion(db: Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Throws `StoreError("newer_schema")` when the file was written by a newer
 * Alambique, and `StoreError("not_a_database")` when it is a SQLite database
 * that is not an Alambique store. Writes nothing.
 */
export function assertSchemaUsable(db: Database, file: string): void {
  const version = readSchemaVersion(db);
  if (version > latestSchemaVersion) throw newerSchemaError(file, version);
  const applicationId = db.pragma("application_id", { simple: true }) as number;
  const foreignApplication = applicationId !== 0 && applicationId !== alambiqueApplicationId;
  const foreignTables =
    version === 0 &&
    db.prepare("SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 1").get() !==
      undefined;
  if (foreignApplication || foreignTables) {
    throw new StoreError("not_a_database", `${file} is a SQLite database, but not an Alambique store`, {
      hint: `It has tables Alambique did not create, and it was left untouched. Point Alambique at a new file (--data DIR or DATABASE_URL), or move ${file} away.`,
    });
  }
}

/**
 * Brings the schema to `latestSchemaVersion`, recording each migration in
 * `schema_migrations`. Returns the migrations it applied (none when current).
 */
export function applyMigrations(db: Database, file: string): Migration[] {
  // Checked without a lock first: an up-to-date store opens without writing.
  if (readSchemaVersion(db) === latestSchemaVersion) return [];
  return db
    .transaction((): Migration[] => {
      // Another process may have migrated while we waited for the lock.
      const version = readSchemaVersion(db);
      if (version === latestSchemaVersion) return [];
      if (version > latestSchemaVersion) throw newerSchemaError(file, version);
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT`);
      const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      const pending = migrations.filter((migration) => migration.version > version);
      for (const migration of pending) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      }
      db.pragma(`user_version = ${latestSchemaVersion}`);
      return pending;
    })
    .immediate();
}

function newerSchemaError(file: string, version: number): StoreError {
  return new StoreError(
    "newer_schema",
    `${file} has schema version ${version}, newer than the ${latestSchemaVersion} this Alambique knows`,
    {
      hint: "A newer Alambique wrote this database. Upgrade Alambique (npm install -g alambique@latest) to use it; the file was left untouched.",
    },
  );
}
