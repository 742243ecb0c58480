/**
 * What `doctor` shows of a PostgreSQL store, read on one short connection
 * without creating, migrating or locking anything: the server's version, the
 * schema's, the extensions the store uses (unaccent and btree_gin, needed;
 * pgvector, optional) as installed in this database or available to install,
 * and the server's connection limit. Throws the `StoreError`s opening would
 * (`unavailable`, `newer_schema`, `not_a_database`), naming the database
 * without its password.
 */
import pg from "pg";
import { assertPostgresSchemaUsable, readPostgresSchema } from "./apply-postgres-migrations.js";
import { normalizePostgresError } from "./normalize-postgres-error.js";
import { latestPostgresSchemaVersion } from "./postgres-migrations.js";
import { redactPostgresUrl } from "./postgres-url.js";

export interface PostgresExtensionState {
  name: string;
  /** The version created in this database, or null. */
  installed: string | null;
  /** The version the server could create, or null when its files are not installed. */
  available: string | null;
}

export interface PostgresInspection {
  where: string;
  /** e.g. `15.14 (Debian 15.14-0+deb12u1)`. */
  serverVersion: string;
  /** e.g. 150014. */
  serverVersionNumber: number;
  schemaVersion: number;
  latestSchemaVersion: number;
  extensions: PostgresExtensionState[];
  maxConnections: number;
}

export const storeExtensions = ["unaccent", "btree_gin", "vector"] as const;

export async function inspectPostgresStore(url: string): Promise<PostgresInspection> {
  const where = redactPostgresUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const schema = await readPostgresSchema(client);
    assertPostgresSchemaUsable(schema, where);
    const settings = await client.query<{ version: string; number: string; connections: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS number,
              current_setting('max_connections') AS connections`,
    );
    const available = await client.query<{ name: string; installed: string | null; available: string }>(
      "SELECT name, installed_version AS installed, default_version AS available FROM pg_available_extensions WHERE name = ANY($1)",
      [storeExtensions],
    );
    const row = settings.rows[0]!;
    return {
      where,
      serverVersion: row.version,
      serverVersionNumber: Number(row.number),
      schemaVersion: schema.version,
      latestSchemaVersion: latestPostgresSchemaVersion,
      extensions: storeExtensions.map(
        (name) => available.rows.find((r) => r.name === name) ?? { name, installed: null, available: null },
      ),
      maxConnections: Number(row.connections),
    };
  } catch (error) {
    throw normalizePostgresError(error, { where, poolSize: 1, acquireTimeoutMs: 5000 });
  } finally {
    await client.end().catch(() => {});
  }
}
