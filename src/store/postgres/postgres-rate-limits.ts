/**
 * `RateLimitStore` in PostgreSQL, for replicas of one server: every bucket is
 * a row of `rate_buckets` (migration 6), and a take is one UPSERT that
 * refills the bucket for the time since its last take, spends `count` tokens
 * if it holds them, and says whether it did — atomic under the row's lock,
 * so replicas taking from one bucket at once never spend a token twice. Time
 * is the database server's clock, the one clock all replicas share. What a
 * take answers is worked out from the level it returns by `rateTake`, as the
 * memory implementation does.
 *
 * Runs on the limits' pool (`LimitsPool`: its own, or one shared with the
 * budgets and feedback caps). Buckets that are full again are the same as
 * none; they are deleted every `sweepMs` (default 60 s).
 */
import { type RateBucket, type RateLimitStore, type RateTake, rateTake } from "../../spec/rate-limits.js";
import { type LimitsPool, type LimitsPoolSource, limitsPool } from "./postgres-limits-pool.js";

export type PostgresRateLimitsOptions = LimitsPoolSource & {
  /** How often full buckets are deleted, in ms. Default 60 000. */
  sweepMs?: number;
};

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
  readonly #pool: LimitsPool;
  readonly #owned: boolean;
  readonly #sweep: NodeJS.Timeout;

  constructor(options: PostgresRateLimitsOptions) {
    ({ pool: this.#pool, owned: this.#owned } = limitsPool(options));
    this.#sweep = setInterval(() => void this.sweep().catch(() => {}), options.sweepMs ?? 60_000).unref();
  }

  async take(bucket: RateBucket, key: string, count = 1): Promise<RateTake> {
    const [row] = await this.#pool.query<{ tokens: number; allowed: boolean }>(takeSql, [
      bucket.scope,
      key,
      Math.max(1, bucket.burst),
      bucket.perMinute / 60_000,
      count,
    ]);
    if (!row) throw new Error("rate_buckets upsert returned no row");
    return rateTake(row.allowed, row.tokens, count, bucket.perMinute);
  }

  /** Deletes the buckets that are full again (no different from absent ones); how many. */
  async sweep(): Promise<number> {
    const rows = await this.#pool.query<{ n: number }>(
      "WITH gone AS (DELETE FROM rate_buckets WHERE full_at < clock_timestamp() RETURNING 1) SELECT count(*)::int AS n FROM gone",
    );
    return rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    if (this.#owned) await this.#pool.close();
  }
}
