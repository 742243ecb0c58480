/**
 * `TurnLock` on PostgreSQL: a session advisory lock per customer key
 * (`pg_advisory_lock` on the first 64 bits of the key's SHA-256), taken on a
 * connection of a pool of its own, held for the whole turn, and released by
 * `pg_advisory_unlock` — or by the server when the process dies and its
 * session ends, so a killed replica never leaves a customer locked out.
 *
 * A dedicated pool, not the store's: a turn holds its lock connection while it
 * uses the store, and sharing one pool would let ten waiting turns starve
 * the turns holding the locks. Its size bounds the customers served at once
 * per process (`ALAMBIQUE_PG_TURN_LOCKS`, default 32; mind `max_connections`).
 * The wait is bounded by `lock_timeout`; past it the turn fails
 * `conversation_busy` (409, retryable) rather than pile up.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { AlambiqueError } from "../../spec/errors.js";
import type { TurnLock } from "../../spec/turn-lock.js";
import { normalizePostgresError } from "./normalize-postgres-error.js";
import { redactPostgresUrl } from "./postgres-url.js";

export interface PostgresTurnLockOptions {
  url: string;
  /** How long a turn waits for another process's turn of the same customer, in ms. Default 30000. */
  waitMs?: number;
  /** Connections (customers being answered at once by this process). Default 32. */
  connections?: number;
}

export class PostgresTurnLock implements TurnLock {
  readonly #pool: pg.Pool;
  readonly #waitMs: number;
  readonly #where: string;

  constructor(options: PostgresTurnLockOptions) {
    this.#waitMs = Math.max(1, Math.round(options.waitMs ?? 30_000));
    this.#where = redactPostgresUrl(options.url);
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.connections ?? 32,
      connectionTimeoutMillis: this.#waitMs,
      idleTimeoutMillis: 30_000,
      application_name: "alambique-turns",
      options: `-c lock_timeout=${this.#waitMs}`,
    });
    this.#pool.on("error", () => {}); // an idle connection dropped by the server is replaced on next use
  }

  async hold<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const id = turnLockId(key);
    const context = {
      where: this.#where,
      poolSize: this.#pool.options.max ?? 32,
      acquireTimeoutMs: this.#waitMs,
    };
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw normalizePostgresError(error, context);
    }
    try {
      await client.query("SELECT pg_advisory_lock($1::bigint)", [id]);
    } catch (error) {
      client.release();
      if ((error as { code?: unknown }).code === "55P03") throw this.#busy();
      throw normalizePostgresError(error, context);
    }
    try {
      return await fn();
    } finally {
      // A failed unlock (the connection broke) destroys the connection: its session's locks go with it.
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [id]).then(
        () => client.release(),
        (error: Error) => client.release(error),
      );
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }

  #busy(): AlambiqueError {
    return new AlambiqueError(
      `another replica has been answering this customer's previous message for more than ${Math.round(this.#waitMs / 1000)} s`,
      {
        code: "conversation_busy",
        status: 409,
        retryable: true,
        hint: "Send the message again in a few seconds, once the previous answer has arrived.",
      },
    );
  }
}

/** The advisory lock id of a turn key: the first 64 bits of its SHA-256, as a signed bigint in text. */
export function turnLockId(key: string): string {
  return createHash("sha256").update(key).digest().readBigInt64BE(0).toString();
}
