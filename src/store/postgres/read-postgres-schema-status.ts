/**
 * The schema of a PostgreSQL store as `migrate --dry-run`, `doctor` and a
 * start with `migrateOnStart: false` see it: read on one short connection,
 * writing nothing. Throws `StoreError`: `unavailable` (unreachable, no such
 * database), `newer_schema`, `not_a_database`, every message naming the
 * database by its URL without password.
 */
import pg from "pg";
import type { SchemaStatus } from "../schema-status.js";
import { assertPostgresSchemaUsable, readPostgresSchema } from "./apply-postgres-migrations.js";
import { normalizePostgresError } from "./normalize-postgres-error.js";
import { latestPostgresSchemaVersion, postgresMigrations } from "./postgres-migrations.js";
import { redactPostgresUrl } from "./postgres-url.js";

export async function readPostgresSchemaStatus(url: string): Promise<SchemaStatus> {
  const where = redactPostgresUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const schema = await readPostgresSchema(client);
    assertPostgresSchemaUsable(schema, where);
    return {
      engine: "postgres",
      where,
      exists: true,
      version: schema.version,
      latestVersion: latestPostgresSchemaVersion,
      pending: postgresMigrations
        .filter((migration) => migration.version > schema.version)
        .map(({ version, name }) => ({ version, name })),
    };
  } catch (error) {
    throw normalizePostgresError(error, { where, poolSize: 1, acquireTimeoutMs: 5000 });
  } finally {
    await client.end().catch(() => {});
  }
}
