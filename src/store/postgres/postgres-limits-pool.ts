/**
 * The connections that what replicas share beyond the store (rate limits'
 * buckets, token budgets, feedback caps) run on: a pool of its own, not the
 * store's, because a request takes its tokens and holds before it uses the
 * store and must not queue behind the turns holding the store's connections.
 * Every error leaves as a `StoreError`, the URL shown without its password.
 */
import pg from "pg";
import { normalizePostgresError, type PostgresErrorContext } from "./normalize-postgres-error.js";
import { redactPostgresUrl } from "./postgres-url.js";

export interface LimitsPoolOptions {
  url: string;
  /** Connections at most. Default 8. */
  connections?: number;
  /** How long a statement waits for a free connection before failing `unavailable`, in ms. Default 5000. */
  acquireTimeoutMs?: number;
}

export class LimitsPool {
  readonly #pool: pg.Pool;
  readonly #context: PostgresErrorContext;
  #ended: Promise<void> | undefined;

  constructor(options: LimitsPoolOptions) {
    this.#context = {
      where: redactPostgresUrl(options.url),
      poolSize: options.connections ?? 8,
      acquireTimeoutMs: options.acquireTimeoutMs ?? 5000,
    };
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: this.#context.poolSize,
      connectionTimeoutMillis: this.#context.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: "alambique-limits",
    });
    this.#pool.on("error", () => {}); // an idle connection dropped by the server is replaced on next use
  }

  /** Rows of one statement (one round trip). Throws `StoreError`. */
  async query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    try {
      return (await this.#pool.query(text, values as unknown[])).rows as R[];
    } catch (error) {
      throw normalizePostgresError(error, this.#context);
    }
  }

  /** Closes the connections; idempotent. */
  close(): Promise<void> {
    this.#ended ??= this.#pool.end();
    return this.#ended;
  }
}

/** A pool given (shared, closed by its owner) or one made from a URL (closed with its user). */
export type LimitsPoolSource = LimitsPoolOptions | { pool: LimitsPool };

export function limitsPool(source: LimitsPoolSource): { pool: LimitsPool; owned: boolean } {
  return "pool" in source
    ? { pool: source.pool, owned: false }
    : { pool: new LimitsPool(source), owned: true };
}
