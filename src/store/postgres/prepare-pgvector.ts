/**
 * Decides at open how this store searches vectors, and readies pgvector when
 * it is used. `auto` (the default): when the server has pgvector 0.5 or newer
 * (`pg_available_extensions`), create it in this database if needed, add
 * `chunk_vectors.embedding_vector` (nullable; no migration: only databases
 * with the extension get it), fill it for vectors stored before, and make the
 * HNSW index of every dimension agents use — all under one advisory lock, so
 * replicas opening together do it once. `off`, or no usable pgvector, or no
 * right to create it: the sign-bit scan (postgres-knowledge-vectors.ts),
 * unchanged. Never throws for a missing or refused extension: it logs why
 * and falls back.
 */
import type pg from "pg";
import { ConfigError } from "../../spec/errors.js";
import type { StoreLogger } from "../store-logger.js";
import {
  defaultExactBelow,
  ensureHnswIndex,
  maxHnswDimensions,
  pgvectorSearch,
  vectorText,
} from "./pgvector-search.js";
import { bytesFloats, type PostgresVectorSearch, scanVectorSearch } from "./postgres-knowledge-vectors.js";
import { clientSql } from "./postgres-sql.js";

export type PgvectorMode = "off" | "auto";

/** ALAMBIQUE_PG_VECTOR: unset or `auto` → auto, `off` → off; anything else is a ConfigError. */
export function pgvectorModeFrom(value: string | undefined): PgvectorMode {
  if (value === undefined || value === "" || value === "auto") return "auto";
  if (value === "off") return "off";
  throw new ConfigError(`ALAMBIQUE_PG_VECTOR is "${value}"`, {
    location: "ALAMBIQUE_PG_VECTOR",
    hint: "Set it to auto (use pgvector's HNSW index when the server has pgvector; the default) or off (always scan).",
  });
}

export interface PreparePgvectorOptions {
  mode: PgvectorMode;
  /** Agents with fewer chunks are searched exactly (default `defaultExactBelow`). */
  exactBelow?: number | undefined;
  logger?: StoreLogger | undefined;
  /** The database, named without password, for the log. */
  where: string;
}

/** Vectors stored before pgvector, converted per statement when filling `embedding_vector`. */
const backfillBatch = 1000;

export async function preparePgvector(
  client: pg.PoolClient | pg.Client,
  options: PreparePgvectorOptions,
): Promise<PostgresVectorSearch> {
  if (options.mode === "off") return scanVectorSearch;
  const [extension] = (
    await client.query<{ installed: string | null; available: string }>(
      "SELECT installed_version AS installed, default_version AS available FROM pg_available_extensions WHERE name = 'vector'",
    )
  ).rows;
  if (!extension) return scanVectorSearch;
  const version = extension.installed ?? extension.available;
  if (!atLeast(version, [0, 5])) {
    options.logger?.warn(
      { database: options.where, pgvector: version },
      "pgvector older than 0.5 has no HNSW index: vector search scans instead; upgrade pgvector to use it",
    );
    return scanVectorSearch;
  }
  await client.query("SELECT pg_advisory_lock(hashtext('alambique:pgvector'))");
  try {
    if (!extension.installed) {
      try {
        await client.query("CREATE EXTENSION IF NOT EXISTS vector");
      } catch (error) {
        options.logger?.warn(
          { database: options.where, error: (error as Error).message },
          "pgvector is available but this role cannot create it: vector search scans instead; have a superuser run CREATE EXTENSION vector in this database",
        );
        return scanVectorSearch;
      }
    }
    await addVectorColumn(client);
    const filled = await backfill(client);
    if (filled > 0) {
      options.logger?.info(
        { database: options.where, vectors: filled },
        "copied stored vectors into pgvector",
      );
    }
    const dims = await client.query<{ d: number }>(
      "SELECT DISTINCT embedding_dimension AS d FROM knowledge_indexes WHERE embedding_dimension IS NOT NULL",
    );
    for (const { d } of dims.rows) {
      if (Number(d) <= maxHnswDimensions) await ensureHnswIndex(clientSql(client), Number(d));
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('alambique:pgvector'))");
  }
  return pgvectorSearch({
    exactBelow: options.exactBelow ?? defaultExactBelow,
    iterativeScan: atLeast(extension.installed ?? version, [0, 8]),
  });
}

async function addVectorColumn(client: pg.ClientBase): Promise<void> {
  const present = await client.query(
    "SELECT 1 FROM pg_attribute WHERE attrelid = 'chunk_vectors'::regclass AND attname = 'embedding_vector' AND NOT attisdropped",
  );
  if (present.rowCount) return;
  // No fixed dimension: agents differ. EXTERNAL: float32s do not compress; skip trying.
  await client.query(
    `ALTER TABLE chunk_vectors ADD COLUMN embedding_vector vector;
     ALTER TABLE chunk_vectors ALTER COLUMN embedding_vector SET STORAGE EXTERNAL`,
  );
}

/** Fills `embedding_vector` of vectors written without it (before pgvector, or by a copy); returns how many. */
async function backfill(client: pg.ClientBase): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = (
      await client.query<{ chunk_key: string; embedding: Buffer }>(
        `SELECT chunk_key, embedding FROM chunk_vectors
         WHERE embedding IS NOT NULL AND embedding_vector IS NULL ORDER BY chunk_key LIMIT $1`,
        [backfillBatch],
      )
    ).rows;
    if (rows.length === 0) return filled;
    await client.query(
      `UPDATE chunk_vectors v SET embedding_vector = i.vec::vector
       FROM unnest($1::bigint[], $2::text[]) AS i(key, vec) WHERE v.chunk_key = i.key`,
      [rows.map((r) => r.chunk_key), rows.map((r) => vectorText(bytesFloats(r.embedding)))],
    );
    filled += rows.length;
  }
}

/** Whether version text `x.y.z` is at least `[major, minor]`. */
function atLeast(version: string, [major, minor]: [number, number]): boolean {
  const [x = 0, y = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  return x > major || (x === major && y >= minor);
}
