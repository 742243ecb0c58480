/**
 * `Store` on better-sqlite3: the async contract on a synchronous driver.
 *
 * Each call runs synchronously on the one connection, so calls never
 * interleave — except across the awaits of `transaction(fn)`. Calls made in
 * the same turn of the event loop share one commit (`GroupCommit`): one fsync
 * for many concurrent writes, each acknowledged only once durable. While a
 * transaction is open, an `AsyncMutex` makes other calls on this store wait
 * their turn; the transaction's own `tx` handle runs without waiting. Calling
 * the store itself (not `tx`) from inside its transaction would wait forever,
 * so it is detected (AsyncLocalStorage) and rejected with an explanation.
 *
 * Across processes, SQLite's write lock serialises writers; every
 * read-then-write runs under BEGIN IMMEDIATE so it waits for that lock
 * (up to the busy timeout) instead of failing on a stale snapshot.
 *
 * Caveat: two stores on one file in one process share the event loop, so a
 * transaction open on one blocks the other's writes, which then wait the busy
 * timeout synchronously and fail with `locked`. Open one store per file per
 * process.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "better-sqlite3";
import { StoreError } from "../../spec/errors.js";
import type { Store, StoreHealth, StoreRepositories } from "../../spec/store.js";
import { AsyncMutex } from "../async-mutex.js";
import type { StoreLogger } from "../store-logger.js";
import { readSchemaVersion } from "./apply-migrations.js";
import { GroupCommit } from "./group-commit.js";
import { latestSchemaVersion } from "./migrations.js";
import { normalizeSqliteError, type SqliteErrorContext } from "./normalize-sqlite-error.js";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { createSqliteRepositories } from "./sqlite-repositories.js";
import { type SyncRepositories, toAsyncRepositories } from "./sync-repositories.js";

export interface SqliteStoreOptions {
  /** A file path (its folder is created when missing) or `:memory:`. */
  file: string;
  /** How long a write waits for another process's write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** See `OpenStoreOptions.maxSizeBytes`. */
  maxSizeBytes?: number | undefined;
  logger?: StoreLogger;
}

export const defaultBusyTimeoutMs = 5000;

/** Opens, migrates and returns the store. Throws `StoreError` (see `openSqliteDatabase`). */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
  const { db, journalMode, applied } = openSqliteDatabase(options.file, { busyTimeoutMs });
  if (options.maxSizeBytes !== undefined) {
    const pageSize = Number(db.pragma("page_size", { simple: true }));
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
  }
  for (const migration of applied) {
    options.logger?.info(
      { file: options.file, version: migration.version, migration: migration.name },
      "applied store migration",
    );
  }
  if (options.file !== ":memory:" && journalMode !== "wal") {
    options.logger?.warn(
      { file: options.file, journalMode },
      "SQLite could not switch to WAL mode; readers will block writers",
    );
  }
  return new SqliteStore(db, { file: options.file, busyTimeoutMs });
}

interface TransactionScope {
  active: boolean;
}

class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  readonly tenants: StoreRepositories["tenants"];
  readonly apiKeys: StoreRepositories["apiKeys"];
  readonly models: StoreRepositories["models"];
  readonly agents: StoreRepositories["agents"];
  readonly conversations: StoreRepositories["conversations"];
  readonly messages: StoreRepositories["messages"];
  readonly jobs: StoreRepositories["jobs"];
  readonly knowledge: StoreRepositories["knowledge"];
  readonly tickets: StoreRepositories["tickets"];
  readonly usage: StoreRepositories["usage"];
  readonly secrets: StoreRepositories["secrets"];
  readonly synth: StoreRepositories["synth"];
  readonly datasets: StoreRepositories["datasets"];
  readonly evaluations: StoreRepositories["evaluations"];
  readonly promotions: StoreRepositories["promotions"];
  readonly channels: StoreRepositories["channels"];
  readonly uploads: StoreRepositories["uploads"];

  readonly #db: Database;
  readonly #context: SqliteErrorContext;
  readonly #sync: SyncRepositories;
  readonly #mutex = new AsyncMutex();
  readonly #transactionScope = new AsyncLocalStorage<TransactionScope>();
  /**
   * The `tx` handle of every transaction, made once (wrapping every repository method anew was a few
   * hundred closures a transaction): a call is accepted only within an open transaction's scope.
   */
  readonly #tx: StoreRepositories;
  readonly #group: GroupCommit;
  /** Set by close(): new calls are refused. */
  #closing: Promise<void> | undefined;
  /** Set once the connection is closed; calls queued before close() ran before it. */
  #closed = false;

  constructor(db: Database, context: SqliteErrorContext) {
    this.#db = db;
    this.#context = context;
    this.#sync = createSqliteRepositories(db);
    this.#tx = toAsyncRepositories(this.#sync, async (call) => {
      if (this.#transactionScope.getStore()?.active !== true) {
        throw new StoreError("unknown", "a transaction handle was used after its transaction ended", {
          hint: "Use `tx` only inside the function passed to store.transaction(), and await every call.",
        });
      }
      return this.#execute(call);
    });
    this.#group = new GroupCommit(
      db,
      (call) => this.#execute(call),
      async (batch) => {
        const release = await this.#mutex.acquire();
        try {
          this.#assertNotClosed();
          await batch();
        } finally {
          release();
        }
      },
    );
    const repositories = toAsyncRepositories(this.#sync, (call) => this.#run(call));
    this.tenants = repositories.tenants;
    this.apiKeys = repositories.apiKeys;
    this.models = repositories.models;
    this.agents = repositories.agents;
    this.conversations = repositories.conversations;
    this.messages = repositories.messages;
    this.jobs = repositories.jobs;
    this.knowledge = repositories.knowledge;
    this.tickets = repositories.tickets;
    this.usage = repositories.usage;
    this.secrets = repositories.secrets;
    this.synth = repositories.synth;
    this.datasets = repositories.datasets;
    this.evaluations = repositories.evaluations;
    this.promotions = repositories.promotions;
    this.channels = repositories.channels;
    this.uploads = repositories.uploads;
  }

  /** Runs in the next group commit (its writes share that commit's fsync), in a SAVEPOINT of its own. */
  async transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> {
    this.#assertCallable("transaction");
    return this.#group.transaction(async () => {
      const scope: TransactionScope = { active: true };
      try {
        return await this.#transactionScope.run(scope, () => fn(this.#tx));
      } finally {
        scope.active = false;
      }
    });
  }

  async health(): Promise<StoreHealth> {
    return this.#run(() => {
      const problems: string[] = [];
      const schemaVersion = readSchemaVersion(this.#db);
      try {
        const integrity = this.#db.prepare<[], string>("PRAGMA integrity_check").pluck().all();
        problems.push(...integrity.filter((line) => line !== "ok"));
        const orphans = this.#db
          .prepare<[], { table: string; rowid: number; parent: string }>("PRAGMA foreign_key_check")
          .all();
        for (const orphan of orphans) {
          problems.push(`${orphan.table} row ${orphan.rowid} refers to a missing ${orphan.parent} row`);
        }
      } catch (error) {
        const normalized = normalizeSqliteError(error, this.#context);
        problems.push(normalized instanceof Error ? normalized.message : String(normalized));
      }
      if (schemaVersion !== latestSchemaVersion) {
        problems.push(`schema version ${schemaVersion}, expected ${latestSchemaVersion}`);
      }
      const version = this.#db.prepare<[], string>("SELECT sqlite_version()").pluck().get();
      const journalMode = String(this.#db.pragma("journal_mode", { simple: true })).toUpperCase();
      return {
        ok: problems.length === 0,
        engine: `sqlite ${version} (${journalMode})`,
        schemaVersion,
        latestSchemaVersion,
        problems,
      };
    });
  }

  /** Waits for calls already queued (an open transaction first), then closes. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#group
      .drain()
      .then(() => this.#mutex.acquire())
      .then((release) => {
        try {
          this.#db.close();
        } finally {
          this.#closed = true;
          release();
        }
      });
    return this.#closing;
  }

  /** One repository call outside a transaction: joins the next group commit, which waits while one is open. */
  async #run<R>(call: () => R): Promise<R> {
    this.#assertCallable("store");
    return this.#group.run(call);
  }

  #execute<R>(call: () => R): R {
    try {
      return call();
    } catch (error) {
      throw normalizeSqliteError(error, this.#context);
    }
  }

  #assertCallable(what: string): void {
    if (this.#closing) throw this.#closedError();
    if (this.#transactionScope.getStore()?.active) {
      throw new StoreError("unknown", `${what} called inside store.transaction() on the same store`, {
        hint: "Inside store.transaction(async (tx) => …) use the `tx` handle: the store waits for the transaction to end, so calling it there would wait forever.",
      });
    }
  }

  #assertNotClosed(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): StoreError {
    return new StoreError("unavailable", `the store on ${this.#context.file} is closed`, {
      hint: "Open it again with openStore(), and close it only when nothing uses it any more.",
    });
  }
}
