/**
 * The one way code above `src/store` gets a store: from a URL.
 *
 * Accepted: a plain file path (`./.alambique/alambique.db`), `sqlite:PATH`,
 * `sqlite://PATH` (so `sqlite:///abs/path` is absolute), `file:` URLs, and
 * `:memory:` (also `sqlite::memory:`) for a private in-memory database.
 * `postgres://` and `postgresql://` URLs open the PostgreSQL store
 * (src/store/postgres, PostgreSQL 15 or newer).
 *
 * Throws `StoreError` (see `openSqliteDatabase`, `openPostgresStore`) when
 * the store cannot be opened, and `ConfigError` for a URL it does not understand.
 */
import { fileURLToPath } from "node:url";
import { ConfigError } from "../spec/errors.js";
import type { Store } from "../spec/store.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { StoreLogger } from "./store-logger.js";
import { sweepAbandonedSources } from "./sweep-abandoned-sources.js";

export interface OpenStoreOptions {
  /**
   * How long a write waits for another process's write lock, in ms (SQLite;
   * default 5000), or for another transaction's row lock (PostgreSQL's
   * lock_timeout; default 30000).
   */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool (default 10, or ALAMBIQUE_PG_POOL_SIZE). */
  poolSize?: number;
  /** PostgreSQL: how long a call waits for a free connection before StoreError(unavailable), in ms. Default 5000. */
  acquireTimeoutMs?: number;
  /** PostgreSQL: how long opening retries a server that refuses connections, in ms. Default 10000. */
  connectRetryMs?: number;
  /**
   * Caps the database file (SQLite `max_page_count`, this connection): past
   * it, writes fail as on a full disk (`full`, cause SQLITE_FULL). For
   * quotas, and for testing what fills the disk. Default: no cap.
   */
  maxSizeBytes?: number;
  /**
   * Apply pending migrations on open (default true). False: a store with
   * pending migrations is refused (`migration_pending`) and left untouched;
   * `alambique migrate` applies them (config `store.migrateOnStart`).
   */
  migrate?: boolean;
  logger?: StoreLogger;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const store = await openEngine(url, options);
  // Hidden knowledge versions a crash left behind: bounded, never fails the open (sweep-abandoned-sources.ts).
  await sweepAbandonedSources(store, { logger: options.logger });
  return store;
}

async function openEngine(url: string, options: OpenStoreOptions): Promise<Store> {
  const target = parseStoreUrl(url);
  if (options.migrate === false) {
    const { readSchemaStatus, assertNoPendingMigrations } = await import("./schema-status.js");
    assertNoPendingMigrations(await readSchemaStatus(url));
  }
  if (target.kind === "postgres") {
    const poolSize = options.poolSize ?? (Number(process.env.ALAMBIQUE_PG_POOL_SIZE) || undefined);
    // Imported here: the pg driver (~0.2 s of CPU to import) is not loaded by servers on SQLite.
    const { openPostgresStore } = await import("./postgres/open-postgres-store.js");
    return openPostgresStore({
      url: target.url,
      poolSize,
      acquireTimeoutMs: options.acquireTimeoutMs,
      connectRetryMs: options.connectRetryMs,
      lockTimeoutMs: options.busyTimeoutMs,
      maxSizeBytes: options.maxSizeBytes,
      logger: options.logger,
    });
  }
  return openSqliteStore({
    file: target.file,
    busyTimeoutMs: options.busyTimeoutMs,
    maxSizeBytes: options.maxSizeBytes,
    logger: options.logger,
  });
}

/** `url` of a postgres target is the URL as given: it may hold a password (never log it; see redactPostgresUrl). */
export type StoreTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** Where a store URL points. Never echoes the URL back: it may hold a password. */
export function parseStoreUrl(url: string): StoreTarget {
  const trimmed = url.trim();
  if (trimmed === "") {
    throw new ConfigError("the store URL is empty", {
      location: "store URL",
      hint: "Pass a file path such as .alambique/alambique.db, sqlite:PATH, or :memory:.",
    });
  }
  if (trimmed === ":memory:") return { kind: "sqlite", file: ":memory:" };
  // One letter before the colon is a Windows drive (C:\data\a.db), not a scheme.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: "sqlite", file: trimmed };
  if (scheme === "postgres" || scheme === "postgresql") return { kind: "postgres", url: trimmed };
  if (scheme === "file") return { kind: "sqlite", file: fileUrlPath(trimmed) };
  if (scheme === "sqlite" || scheme === "sqlite3") {
    const rest = trimmed.slice(scheme.length + 1);
    const file = rest.startsWith("//") ? rest.slice(2) : rest;
    if (file === "") {
      throw new ConfigError("the sqlite: URL names no file", {
        location: "store URL",
        hint: "Write sqlite:PATH, e.g. sqlite:.alambique/alambique.db or sqlite:///var/lib/alambique/alambique.db.",
      });
    }
    return { kind: "sqlite", file };
  }
  throw new ConfigError(`unsupported store URL scheme "${scheme}:"`, {
    location: "store URL",
    hint: "Use a file path, sqlite:PATH, :memory:, or postgres://USER@HOST/DB.",
  });
}

function fileUrlPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new ConfigError("the file: URL is not a valid file URL", {
      location: "store URL",
      hint: "Write file:///absolute/path/alambique.db, or just the path.",
      cause: error,
    });
  }
}
