/**
 * The one way code above `src/store` gets a store: from a URL.
 *
 * Accepted: a plain file path (`./.alambique/alambique.db`), `sqlite:PATH`,
 * `sqlite://PATH` (so `sqlite:///abs/path` is absolute), `file:` URLs, and
 * `:memory:` (also `sqlite::memory:`) for a private in-memory database.
 * `postgres://` and `postgresql://` are recognised but not implemented yet.
 *
 * Throws `StoreError` (see `openSqliteDatabase`) when the store cannot be
 * opened, and `ConfigError` for a URL it does not understand.
 */
import { fileURLToPath } from "node:url";
import { ConfigError, StoreError } from "../spec/errors.js";
import type { Store } from "../spec/store.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { StoreLogger } from "./store-logger.js";

export interface OpenStoreOptions {
  /** How long a write waits for another process's write lock, in ms (SQLite). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Caps the database file (SQLite `max_page_count`, this connection): past
   * it, writes fail as on a full disk (`unavailable`, cause SQLITE_FULL). For
   * quotas, and for testing what fills the disk. Default: no cap.
   */
  maxSizeBytes?: number;
  logger?: StoreLogger;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseStoreUrl(url);
  if (target.kind === "postgres") {
    throw new StoreError("unavailable", "the PostgreSQL store is not implemented yet", {
      hint: "Use SQLite for now: unset DATABASE_URL (the default is .alambique/alambique.db) or pass a file path or sqlite:PATH.",
    });
  }
  return openSqliteStore({
    file: target.file,
    busyTimeoutMs: options.busyTimeoutMs,
    maxSizeBytes: options.maxSizeBytes,
    logger: options.logger,
  });
}

export type StoreTarget = { kind: "sqlite"; file: string } | { kind: "postgres" };

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
  if (scheme === "postgres" || scheme === "postgresql") return { kind: "postgres" };
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
    hint: "Use a file path, sqlite:PATH, :memory:, or (later) postgres://USER@HOST/DB.",
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
