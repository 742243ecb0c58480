/**
 * `Store` on a pool of PostgreSQL connections.
 *
 * Calls outside a transaction run concurrently, each on a pooled connection
 * (a multi-statement one in its own BEGIN … COMMIT: `Sql.atomic`).
 * `transaction(fn)` holds one connection from BEGIN to COMMIT; as the
 * contract asks, other calls on this store wait until it ends (an
 * `AsyncMutex`), calls on the store itself from inside `fn` are rejected
 * (AsyncLocalStorage), and each call on `tx` runs in a savepoint, so a call
 * that fails (a constraint, a validation) undoes only its own statements and
 * the transaction goes on, as on SQLite.
 *
 * Across processes and replicas, PostgreSQL's row locks do what SQLite's
 * write lock does: each repository locks the rows it reads before writing
 * from them. A pool that has no free connection within `acquireTimeoutMs`
 * fails the call with StoreError(unavailable), retryable, instead of waiting
 * without end.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import { StoreError } from "../../spec/errors.js";
import type { Store, StoreHealth, StoreRepositories } from "../../spec/store.js";
import { AsyncMutex } from "../async-mutex.js";
import { readPostgresSchema } from "./apply-postgres-migrations.js";
import { normalizePostgresError, type PostgresErrorContext } from "./normalize-postgres-error.js";
import { type PostgresVectorSearch, scanVectorSearch as scanSearch } from "./postgres-knowledge-vectors.js";
import { latestPostgresSchemaVersion } from "./postgres-migrations.js";
import { createPostgresRepositories, wrapRepositories } from "./postgres-repositories.js";
import { clientSql, isConnectionError, poolSql } from "./postgres-sql.js";

interface TransactionScope {
  active: boolean;
}

export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
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

  readonly #pool: pg.Pool;
  readonly #context: PostgresErrorContext;
  readonly #vectors: PostgresVectorSearch;
  readonly #mutex = new AsyncMutex();
  readonly #transactionScope = new AsyncLocalStorage<TransactionScope>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(pool: pg.Pool, context: PostgresErrorContext, vectors: PostgresVectorSearch = scanSearch) {
    this.#pool = pool;
    this.#context = context;
    this.#vectors = vectors;
    const repositories = wrapRepositories(createPostgresRepositories(poolSql(pool), vectors), (call) =>
      this.#run(call),
    );
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

  async transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> {
    this.#assertCallable("transaction");
    const release = await this.#mutex.acquire();
    try {
      this.#assertNotClosed();
      return await this.#track(() => this.#inTransaction(fn));
    } finally {
      release();
    }
  }

  async #inTransaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      // Every call runs in a savepoint of its own, so that one that fails (and is caught) leaves the
      // transaction usable. Made one round trip ahead: with BEGIN, then with the release of the one before.
      await client.query("BEGIN; SAVEPOINT alambique_call");
      let used = false; // whether a call has run in the savepoint now in place
      const scope: TransactionScope = { active: true };
      const calls = new AsyncMutex();
      const own = createPostgresRepositories(clientSql(client), this.#vectors);
      const tx = wrapRepositories(own, async (call) => {
        const ended = () =>
          new StoreError("unknown", "a transaction handle was used after its transaction ended", {
            hint: "Use `tx` only inside the function passed to store.transaction(), and await every call.",
          });
        if (!scope.active) throw ended();
        // One call at a time on the connection.
        const done = await calls.acquire();
        try {
          if (!scope.active) throw ended();
          if (used) await client.query("RELEASE SAVEPOINT alambique_call; SAVEPOINT alambique_call");
          used = true;
          try {
            return await call();
          } catch (error) {
            // Back to the savepoint, which stays in place, unused again.
            await client.query("ROLLBACK TO SAVEPOINT alambique_call");
            used = false;
            throw this.#normalize(error);
          }
        } finally {
          done();
        }
      });
      let result: T;
      try {
        result = await this.#transactionScope.run(scope, () => fn(tx));
      } catch (error) {
        scope.active = false;
        (await calls.acquire())();
        await client.query("ROLLBACK");
        throw error;
      }
      scope.active = false;
      (await calls.acquire())();
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  health(): Promise<StoreHealth> {
    return this.#run(async () => {
      const problems: string[] = [];
      const [{ version } = { version: "?" }] = (
        await this.#pool.query<{ version: string }>("SELECT current_setting('server_version') AS version")
      ).rows;
      const schema = await readPostgresSchema(this.#pool);
      if (schema.version !== latestPostgresSchemaVersion) {
        problems.push(`schema version ${schema.version}, expected ${latestPostgresSchemaVersion}`);
      }
      const invalid = await this.#pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)`,
      );
      for (const { name } of invalid.rows) problems.push(`index ${name} is invalid: REINDEX INDEX ${name}`);
      const extensions = await this.#pool.query<{ name: string }>(
        "SELECT name FROM unnest(ARRAY['unaccent', 'btree_gin']) AS name WHERE name NOT IN (SELECT extname FROM pg_extension)",
      );
      for (const { name } of extensions.rows) problems.push(`extension ${name} is missing`);
      return {
        ok: problems.length === 0,
        engine: `postgres ${version}`,
        schemaVersion: schema.version,
        latestSchemaVersion: latestPostgresSchemaVersion,
        problems,
      };
    });
  }

  /** Waits for calls already queued or running (an open transaction first), then closes the pool. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#mutex.acquire().then(async (release) => {
      try {
        await Promise.allSettled([...this.#inFlight]);
        await this.#pool.end();
      } finally {
        this.#closed = true;
        release();
      }
    });
    return this.#closing;
  }

  /** One repository call outside a transaction: waits while one is open. */
  async #run<R>(call: () => Promise<R>): Promise<R> {
    this.#assertCallable("store");
    if (!this.#mutex.held) return this.#track(call);
    const release = await this.#mutex.acquire();
    try {
      this.#assertNotClosed();
      return await this.#track(call);
    } finally {
      release();
    }
  }

  async #track<R>(call: () => Promise<R>): Promise<R> {
    const running = call();
    this.#inFlight.add(running);
    try {
      return await running;
    } catch (error) {
      throw this.#normalize(error);
    } finally {
      this.#inFlight.delete(running);
    }
  }

  #normalize(error: unknown): unknown {
    return normalizePostgresError(error, this.#context);
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
    return new StoreError("unavailable", `the store on ${this.#context.where} is closed`, {
      hint: "Open it again with openStore(), and close it only when nothing uses it any more.",
    });
  }
}
