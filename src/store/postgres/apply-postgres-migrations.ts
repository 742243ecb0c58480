/**
 * Schema checks and the migration runner for PostgreSQL.
 *
 * `readPostgresSchema` only reads, so a database this code must not touch (a
 * newer schema, someone else's tables) is refused before anything is
 * written. `applyPostgresMigrations` applies every pending migration in one
 * transaction under an advisory lock: PostgreSQL's DDL is transactional, so
 * an interrupted migration leaves the old version whole and the next start
 * runs it again, and two processes starting at once serialise on the lock
 * (the second finds nothing left to do).
 */
import type pg from "pg";
import { StoreError } from "../../spec/errors.js";
import {
  latestPostgresSchemaVersion,
  type PostgresMigration,
  postgresMigrations,
} from "./postgres-migrations.js";

/** pg_advisory_xact_lock key of the migration runner ("Alq1"). */
const migrationLock = 0x416c7131;

export interface PostgresSchema {
  version: number;
  /** Tables in the schema that Alambique did not create (only looked for when version is 0). */
  foreignTables: string[];
}

export async function readPostgresSchema(client: pg.ClientBase | pg.Pool): Promise<PostgresSchema> {
  const present = await client.query<{ present: boolean }>(
    "SELECT to_regclass('alambique_migrations') IS NOT NULL AS present",
  );
  const version = present.rows[0]?.present
    ? ((
        await client.query<{ version: number | null }>(
          "SELECT max(version) AS version FROM alambique_migrations",
        )
      ).rows[0]?.version ?? 0)
    : 0;
  if (version > 0) return { version, foreignTables: [] };
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
       AND c.relname <> 'alambique_migrations' ORDER BY 1 LIMIT 5`,
  );
  return { version, foreignTables: tables.rows.map((row) => row.name) };
}

/** Throws `newer_schema` or `not_a_database` (see the file comment); writes nothing. */
export function assertPostgresSchemaUsable(schema: PostgresSchema, where: string): void {
  if (schema.version > latestPostgresSchemaVersion) throw newerSchemaError(where, schema.version);
  if (schema.version === 0 && schema.foreignTables.length > 0) {
    throw new StoreError("not_a_database", `${where} holds tables that are not an Alambique store`, {
      hint: `It has ${schema.foreignTables.join(", ")}${schema.foreignTables.length === 5 ? ", …" : ""}, and was left untouched. Point DATABASE_URL at an empty database (createdb alambique), or at another schema with ?options=-csearch_path%3DNAME.`,
    });
  }
}

/** Brings the schema to the latest version. Returns the migrations it applied (none when current). */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  where: string,
): Promise<PostgresMigration[]> {
  const before = await readPostgresSchema(client);
  assertPostgresSchemaUsable(before, where);
  if (before.version === latestPostgresSchemaVersion) return [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [migrationLock]);
    // Another process may have migrated while we waited for the lock.
    const schema = await readPostgresSchema(client);
    assertPostgresSchemaUsable(schema, where);
    await client.query(`CREATE TABLE IF NOT EXISTS alambique_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL
    )`);
    const pending = postgresMigrations.filter((migration) => migration.version > schema.version);
    for (const migration of pending) {
      await client.query(migration.sql).catch((error: unknown) => {
        throw migrationFailed(migration, where, error);
      });
      await client.query(
        "INSERT INTO alambique_migrations (version, name, applied_at) VALUES ($1, $2, now())",
        [migration.version, migration.name],
      );
    }
    await client.query("COMMIT");
    return pending;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** A failed migration's error: what failed, and that nothing of it was kept. */
function migrationFailed(migration: PostgresMigration, where: string, error: unknown): StoreError {
  const { code, message, detail } = error as { code?: string; message?: string; detail?: string };
  const kind =
    code === "53100"
      ? "full"
      : code?.startsWith("08") || code?.startsWith("57P")
        ? "unavailable"
        : code === "55P03" || code?.startsWith("40")
          ? "locked"
          : "unknown";
  return new StoreError(
    kind,
    `migration ${migration.version} (${migration.name}) failed on ${where}: ${message}${detail ? ` (${detail})` : ""}`,
    {
      hint: "Nothing of it was kept (migrations run in one transaction): remove the cause named above, then start Alambique again to run it again.",
      cause: error,
    },
  );
}

function newerSchemaError(where: string, version: number): StoreError {
  return new StoreError(
    "newer_schema",
    `${where} has schema version ${version}, newer than the ${latestPostgresSchemaVersion} this Alambique knows`,
    {
      hint: "A newer Alambique wrote this database. Upgrade Alambique (npm install -g alambique@latest) to use it; the database was left untouched.",
    },
  );
}
