/**
 * Opens the PostgreSQL store: a bounded pool, a first connection (retried
 * with backoff while the server is unreachable or starting), the schema
 * check and the pending migrations, in that order. Throws `StoreError`:
 * `unavailable` (unreachable after `connectRetryMs`, wrong password, no such
 * database), `newer_schema`, `not_a_database` — every message naming the
 * database by its URL without password.
 */
import pg from "pg";
import { StoreError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import type { StoreLogger } from "../store-logger.js";
import { applyPostgresMigrations } from "./apply-postgres-migrations.js";
import { normalizePostgresError, type PostgresErrorContext } from "./normalize-postgres-error.js";
import type { PostgresVectorSearch } from "./postgres-knowledge-vectors.js";
import { isConnectionError } from "./postgres-sql.js";
import { PostgresStore } from "./postgres-store.js";
import { redactPostgresUrl } from "./postgres-url.js";
import { type PgvectorMode, pgvectorModeFrom, preparePgvector } from "./prepare-pgvector.js";

export interface PostgresStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE?…` (libpq-style parameters as `pg` reads them). */
  url: string;
  /** Connections the pool opens at most. Default 10. */
  poolSize?: number;
  /** How long a call waits for a free connection before failing `unavailable`, in ms. Default 5000. */
  acquireTimeoutMs?: number;
  /** How long opening keeps retrying a server that refuses connections, in ms. Default 10000. */
  connectRetryMs?: number;
  /** How long a statement waits for another transaction's row lock before failing `locked`, in ms. Default 30000. */
  lockTimeoutMs?: number;
  /** See `OpenStoreOptions.maxSizeBytes`: every connection of this store refuses writes past it. */
  maxSizeBytes?: number | undefined;
  logger?: StoreLogger | undefined;
  /** pgvector's HNSW index when the server has it (`auto`, default ALAMBIQUE_PG_VECTOR or auto), or the scan (`off`); prepare-pgvector.ts. */
  pgvector?: PgvectorMode | undefined;
  /** Agents with fewer chunks are searched exactly even with pgvector (default `defaultExactBelow`). */
  pgvectorExactBelow?: number | undefined;
}

export const defaultPoolSize = 10;
export const defaultAcquireTimeoutMs = 5000;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const where = redactPostgresUrl(options.url);
  const pgvector = options.pgvector ?? pgvectorModeFrom(process.env.ALAMBIQUE_PG_VECTOR);
  const context: PostgresErrorContext = {
    where,
    poolSize: options.poolSize ?? defaultPoolSize,
    acquireTimeoutMs: options.acquireTimeoutMs ?? defaultAcquireTimeoutMs,
  };
  const settings = [`-c lock_timeout=${Math.max(1, Math.round(options.lockTimeoutMs ?? 30_000))}`];
  if (options.maxSizeBytes !== undefined) {
    settings.push(`-c alambique.max_size_bytes=${Math.max(0, Math.floor(options.maxSizeBytes))}`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: context.poolSize,
    connectionTimeoutMillis: context.acquireTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: "alambique",
    options: settings.join(" "),
    types: { getTypeParser: typeParser },
  });
  // An idle connection the server drops is replaced on next use; log it rather than crash the process.
  pool.on("error", (error) =>
    options.logger?.warn({ database: where, error: error.message }, "PostgreSQL connection lost"),
  );
  let vectors: PostgresVectorSearch;
  try {
    const client = await connectWithRetry(pool, options.connectRetryMs ?? 10_000, where, options.logger);
    try {
      const applied = await applyPostgresMigrations(client, where);
      for (const migration of applied) {
        options.logger?.info(
          { database: where, version: migration.version, migration: migration.name },
          "applied store migration",
        );
      }
      vectors = await preparePgvector(client, {
        mode: pgvector,
        exactBelow: options.pgvectorExactBelow,
        logger: options.logger,
        where,
      });
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw normalizePostgresError(error, context);
  }
  return new PostgresStore(pool, context, vectors);
}

async function connectWithRetry(
  pool: pg.Pool,
  retryMs: number,
  where: string,
  logger: StoreLogger | undefined,
): Promise<pg.PoolClient> {
  const started = Date.now();
  let delay = 100;
  for (;;) {
    try {
      return await pool.connect();
    } catch (error) {
      const starting = (error as { code?: unknown }).code === "57P03";
      const elapsed = Date.now() - started;
      if (!(isConnectionError(error) || starting) || elapsed + delay > retryMs) {
        if (!isConnectionError(error) && !starting) throw error;
        throw new StoreError(
          "unavailable",
          `cannot reach PostgreSQL at ${where} (tried for ${Math.round(elapsed / 1000)} s): ${(error as Error).message}`,
          {
            hint: "Start the server, or fix the host and port in DATABASE_URL; check that a firewall lets this machine reach it.",
            cause: error,
          },
        );
      }
      logger?.warn(
        { database: where, retryInMs: delay, error: (error as Error).message },
        "PostgreSQL not reachable yet",
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(2000, delay * 2);
    }
  }
}

/** int8 and numeric as numbers (counts and sums stay far below 2^53); everything else as `pg` reads it. */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === 20 || oid === 1700) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as "text");
}
