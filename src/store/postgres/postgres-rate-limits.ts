/**
 * `RateLimitStore` in PostgreSQL, for replicas of one server: every bucket is
 * a row of `rate_buckets` (migration 6), and a take is one UPSERT that
 * refills the bucket for the time since its last take, spends `count` tokens
 * if it holds them, and says whether it did — atomic under the row's lock,
 * so replicas taking from one bucket at once never spend a token twice. Time
 * is the database server's clock, the one clock all replicas share.
 *
 * A pool of its own (`connections`, default 8), not the store's: a request
 * takes its tokens before it uses the store, and must not queue behind the
 * turns holding the store's connections. Buckets that are full again are the
 * same as none; they are deleted every `sweepMs` (default 60 s).
 */
import pg from "pg";
import type { RateBucket, RateLimitStore, RateTake } from "../../spec/rate-limits.js";
import { normalizePostgresError, type PostgresErrorContext } from "./normalize-postgres-error.js";
import { redactPostgresUrl } from "./postgres-url.js";

export interface PostgresRateLimitsOptions {
  url: string;
  /** Connections at most. Default 8. */
  connections?: number;
  /** How long a take waits for a free connection before failing `unavailable`, in ms. Default 5000. */
  acquireTimeoutMs?: number;
  /** How often full buckets are deleted, in ms. Default 60 000. */
  sweepMs?: number;
}

/** The bucket's level after refilling (`b` the row, `excluded` the would-be new row carrying the time). */
const level = `least($3::float8, b.tokens + greatest(0::float8,
  extract(epoch from (excluded.updated_at - b.updated_at))::float8) * 1000 * $4::float8)`;
const after = `(CASE WHEN ${level} >= $5::float8 THEN ${level} - $5::float8 ELSE ${level} END)`;
const takeSql = `
INSERT INTO rate_buckets AS b (scope, key, tokens, allowed, updated_at, full_at)
VALUES ($1, $2,
  CASE WHEN $5::float8 <= $3::float8 THEN $3::float8 - $5::float8 ELSE $3::float8 END,
  $5::float8 <= $3::float8,
  clock_timestamp(),
  clock_timestamp() + least($5::float8, $3::float8) / $4::float8 * interval '1 millisecond')
ON CONFLICT (scope, key) DO UPDATE SET
  tokens = ${after},
  allowed = ${level} >= $5::float8,
  updated_at = greatest(b.updated_at, excluded.updated_at),
  full_at = greatest(b.updated_at, excluded.updated_at) + ($3::float8 - ${after}) / $4::float8 * interval '1 millisecond'
RETURNING tokens, allowed`;

export class PostgresRateLimits implements RateLimitStore {
  readonly #pool: pg.Pool;
  readonly #context: PostgresErrorContext;
  readonly #sweep: NodeJS.Timeout;

  constructor(options: PostgresRateLimitsOptions) {
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
    this.#sweep = setInterval(() => void this.sweep().catch(() => {}), options.sweepMs ?? 60_000).unref();
  }

  async take(bucket: RateBucket, key: string, count = 1): Promise<RateTake> {
    const perMs = bucket.perMinute / 60_000;
    let row: { tokens: number; allowed: boolean } | undefined;
    try {
      const result = await this.#pool.query<{ tokens: number; allowed: boolean }>(takeSql, [
        bucket.scope,
        key,
        Math.max(1, bucket.burst),
        perMs,
        count,
      ]);
      row = result.rows[0];
    } catch (error) {
      throw normalizePostgresError(error, this.#context);
    }
    if (!row) throw new Error("rate_buckets upsert returned no row");
    if (row.allowed) return { allowed: true, remaining: Math.floor(row.tokens), retryAfterMs: 0 };
    const missing = Math.max(count - row.tokens, Number.EPSILON);
    return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, Math.ceil(missing / perMs)) };
  }

  /** Deletes the buckets that are full again (no different from absent ones); how many. */
  async sweep(): Promise<number> {
    try {
      return (
        (await this.#pool.query("DELETE FROM rate_buckets WHERE full_at < clock_timestamp()")).rowCount ?? 0
      );
    } catch (error) {
      throw normalizePostgresError(error, this.#context);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#pool.end();
  }
}
