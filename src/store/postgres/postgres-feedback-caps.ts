/**
 * `FeedbackCapStore` in PostgreSQL, for replicas of one server: each counted
 * thumbs down is two rows of `feedback_marks` (migration 8), one for the
 * visitor and one for the address, and an admission is one call of
 * `alambique_feedback_admit`, which checks both caps and counts under
 * advisory locks, so replicas admitting at once never pass a cap. Days older
 * than yesterday are deleted every `sweepMs` (default one hour).
 */
import type { FeedbackCapLimits, FeedbackCapStore } from "../../spec/feedback-caps.js";
import { type LimitsPool, type LimitsPoolSource, limitsPool } from "./postgres-limits-pool.js";

export type PostgresFeedbackCapsOptions = LimitsPoolSource & {
  /** How often days older than yesterday are deleted, in ms. Default 3 600 000. */
  sweepMs?: number;
};

export class PostgresFeedbackCaps implements FeedbackCapStore {
  readonly #pool: LimitsPool;
  readonly #owned: boolean;
  readonly #sweep: NodeJS.Timeout;

  constructor(options: PostgresFeedbackCapsOptions) {
    ({ pool: this.#pool, owned: this.#owned } = limitsPool(options));
    this.#sweep = setInterval(() => void this.sweep().catch(() => {}), options.sweepMs ?? 3_600_000).unref();
  }

  async admit(
    day: string,
    visitor: string,
    address: string,
    answerId: string,
    limits: FeedbackCapLimits,
  ): Promise<boolean> {
    const [row] = await this.#pool.query<{ admitted: boolean }>(
      "SELECT alambique_feedback_admit($1, $2, $3, $4, $5, $6) AS admitted",
      [day, `visitor:${visitor}`, `address:${address}`, answerId, limits.perVisitor, limits.perAddress],
    );
    return row?.admitted === true;
  }

  /** Deletes the counts of days before yesterday (UTC, by `now`); how many rows. */
  async sweep(now = Date.now()): Promise<number> {
    const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
    const rows = await this.#pool.query<{ n: number }>(
      "WITH gone AS (DELETE FROM feedback_marks WHERE day < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone",
      [yesterday],
    );
    return rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    if (this.#owned) await this.#pool.close();
  }
}
