/**
 * What the PostgreSQL repositories run their statements on: `Sql`, either
 * the pool (outside `store.transaction`) or one client inside a transaction.
 *
 * A repository method that needs several statements to be atomic (read a
 * row, then write from what it read) wraps them in `sql.atomic(fn)`: on the
 * pool that is its own BEGIN … COMMIT on one client; inside a transaction it
 * is just `fn` (the store already wrapped the call in a savepoint). Single
 * statements call `sql.query` directly, so that reads outside a transaction
 * cost one round trip.
 */
import type pg from "pg";
import { isIdempotentRead } from "./idempotent-read.js";

export interface Sql {
  /**
   * Rows of one statement; `$1, $2…` are bound to `values`. With `prepared`,
   * the statement is prepared under that name on each connection the first
   * time it runs there, and only bound and executed after: no parsing, and
   * PostgreSQL may plan it once (for a statement whose planning costs more
   * than its execution). One name, one text, for the life of the process.
   */
  query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    prepared?: string,
  ): Promise<R[]>;
  /** Runs `fn` in one transaction (or the caller's). Its statements must use the `Sql` it is given. */
  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

/**
 * `Sql` on the pool. Every `atomic` holds one client from BEGIN to COMMIT. A
 * statement outside a transaction whose connection fails under it (the server
 * restarted, a proxy dropped it, an operator ended the backend) is run once
 * more on another connection when it only reads (`isIdempotentRead`); a write
 * is not, and fails `unavailable`: applied whole or not at all, never twice.
 */
export function poolSql(pool: pg.Pool): Sql {
  return {
    async query<R>(text: string, values?: readonly unknown[], prepared?: string) {
      const config = { text, values: values as unknown[], ...(prepared ? { name: prepared } : {}) };
      try {
        return (await pool.query(config)).rows as R[];
      } catch (error) {
        if (!isConnectionError(error) || !isIdempotentRead(text)) throw error;
        return (await pool.query(config)).rows as R[];
      }
    },
    async atomic(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        try {
          const result = await fn(clientSql(client));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          throw error;
        }
      } catch (error) {
        // A client whose connection failed must not go back to the pool.
        if (isConnectionError(error)) broken ??= error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** `Sql` on one client that is already inside a transaction. */
export function clientSql(client: pg.PoolClient | pg.Client): Sql {
  const sql: Sql = {
    query: async <R>(text: string, values?: readonly unknown[], prepared?: string) =>
      (await client.query({ text, values: values as unknown[], ...(prepared ? { name: prepared } : {}) }))
        .rows as R[],
    atomic: (fn) => fn(sql),
  };
  return sql;
}

/** Whether `error` says the connection itself failed (not a statement). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("08") || code.startsWith("57P"))) return true;
  return (
    (typeof code === "string" &&
      ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND"].includes(code)) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message)
  );
}
