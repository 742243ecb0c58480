/**
 * `TokenBudgetStore` in PostgreSQL, for replicas of one server: the day's
 * count is `tenant_usage` (the store's usage table), the holds of requests
 * in progress are rows of `budget_holds` (migration 8). Admitting is one call
 * of `alambique_budget_hold`, atomic across replicas; settling is one
 * statement that deletes the hold and adds the tokens, so nobody sees one
 * without the other. One budget holds however a tenant's requests are spread.
 *
 * A hold expires `holdTtlMs` (default 60 s) after it was last renewed; this
 * process renews the holds it has open every third of that, so a request may
 * run for as long as it likes, while a replica that dies leaves holds that
 * lapse within `holdTtlMs`. Expired holds are deleted at the same beat.
 *
 * Counts are written in order, one statement at a time; one that fails
 * (database unreachable) is kept, counted by `used` here, and written again
 * every `retryMs` (default 2 s) and on `flush`. Its hold is no longer renewed
 * and lapses: until then the budget counts it as held, never as free.
 */
import {
  type BudgetHold,
  decideHold,
  type HoldAdmission,
  type TokenBudgetStore,
  usedTokens,
} from "../../spec/token-budgets.js";
import { type LimitsPool, type LimitsPoolSource, limitsPool } from "./postgres-limits-pool.js";

export type PostgresTokenBudgetsOptions = LimitsPoolSource & {
  /** How long a hold outlives its last renewal, in ms. Default 60 000. */
  holdTtlMs?: number;
  /** How often counts that could not be written are tried again, in ms. Default 2 000. */
  retryMs?: number;
  /** Told when a count cannot be written (it is kept and written later). */
  onError?: (error: unknown) => void;
};

interface HoldRow {
  allowed: boolean;
  hold_id: string | null;
  held: string;
  used: string;
  holding: string;
}

const settleSql = `
WITH gone AS (DELETE FROM budget_holds WHERE id = $1::bigint)
INSERT INTO tenant_usage (tenant_id, day, tokens) SELECT $2, $3, $4::bigint WHERE $4::bigint > 0
ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = tenant_usage.tokens + excluded.tokens`;

export class PostgresTokenBudgets implements TokenBudgetStore {
  readonly #pool: LimitsPool;
  readonly #owned: boolean;
  readonly #ttlMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  /** Holds taken here and not settled: renewed until they are. */
  readonly #open = new Set<string>();
  /** Counts not written yet, by `${tenantId} ${day}`. */
  readonly #unwritten = new Map<string, number>();
  #writes: Promise<void> = Promise.resolve();
  readonly #renew: NodeJS.Timeout;
  readonly #retry: NodeJS.Timeout;
  #closed = false;

  constructor(options: PostgresTokenBudgetsOptions) {
    ({ pool: this.#pool, owned: this.#owned } = limitsPool(options));
    this.#ttlMs = options.holdTtlMs ?? 60_000;
    this.#onError = options.onError;
    this.#renew = setInterval(() => void this.renew(), Math.max(10, this.#ttlMs / 3)).unref();
    this.#retry = setInterval(() => {
      if (this.#unwritten.size > 0) void this.flush();
    }, options.retryMs ?? 2000).unref();
  }

  /** Behind the writes queued before it, so that it never misses a count of this process or counts it twice. */
  used(tenantId: string, day: string): Promise<number> {
    return this.#inOrder(async () => {
      const [row] = await this.#pool.query<{ tokens: string }>(
        "SELECT tokens FROM tenant_usage WHERE tenant_id = $1 AND day = $2",
        [tenantId, day],
      );
      return Number(row?.tokens ?? 0) + (this.#unwritten.get(`${tenantId} ${day}`) ?? 0);
    });
  }

  async hold(tenantId: string, day: string, limit: number, tokens: number): Promise<HoldAdmission> {
    const [row] = await this.#pool.query<HoldRow>("SELECT * FROM alambique_budget_hold($1, $2, $3, $4, $5)", [
      tenantId,
      day,
      Math.floor(limit),
      Math.ceil(Math.min(Math.max(0, Number.isFinite(tokens) ? tokens : 0), Number.MAX_SAFE_INTEGER)),
      this.#ttlMs,
    ]);
    if (!row) throw new Error("alambique_budget_hold returned no row");
    if (!row.allowed) {
      // The refusal's reason and what is left, by the same rule the database applied.
      const decision = decideHold(limit, Number(row.used), Number(row.holding), tokens);
      if (!decision.allowed) return decision;
      return { allowed: false, reason: "held", left: 0 }; // unreachable while the rule is mirrored
    }
    const id = row.hold_id ?? "";
    if (id) this.#open.add(id);
    return { allowed: true, hold: { id, tenantId, day, tokens: Number(row.held) } };
  }

  settle(hold: BudgetHold, tokens: number): Promise<void> {
    // Deleted by id whoever took it; settled again, the delete finds nothing and only the count is added.
    const first = this.#open.delete(hold.id);
    const amount = usedTokens(tokens);
    if (!first && amount === 0 && !hold.id) return Promise.resolve();
    return this.#write(hold.tenantId, hold.day, amount, hold.id || null);
  }

  add(tenantId: string, day: string, tokens: number): Promise<void> {
    const amount = usedTokens(tokens);
    return amount === 0 ? Promise.resolve() : this.#write(tenantId, day, amount, null);
  }

  #write(tenantId: string, day: string, tokens: number, holdId: string | null): Promise<void> {
    return this.#inOrder(async () => {
      try {
        await this.#pool.query(settleSql, [holdId, tenantId, day, tokens]);
      } catch (error) {
        // Kept for later, unless the tenant is gone (nothing to count against); its hold lapses.
        if ((error as { kind?: string }).kind !== "foreign_key") this.#keep(tenantId, day, tokens);
        this.#onError?.(error);
      }
    }).catch(() => {});
  }

  #keep(tenantId: string, day: string, tokens: number): void {
    if (tokens === 0) return;
    const key = `${tenantId} ${day}`;
    this.#unwritten.set(key, (this.#unwritten.get(key) ?? 0) + tokens);
  }

  /** Runs `work` after the writes and reads queued before it, one at a time. */
  #inOrder<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work);
    this.#writes = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Pushes the expiry of this process's open holds forward, and deletes expired holds. Never rejects. */
  async renew(): Promise<void> {
    try {
      if (this.#open.size > 0) {
        await this.#pool.query(
          "UPDATE budget_holds SET expires_at = clock_timestamp() + $2 * interval '1 millisecond' WHERE id = ANY($1::bigint[])",
          [[...this.#open], this.#ttlMs],
        );
      }
      await this.#pool.query("DELETE FROM budget_holds WHERE expires_at < clock_timestamp()");
    } catch (error) {
      this.#onError?.(error); // tried again at the next beat, well within the holds' lifetime
    }
  }

  /** Writes the counts kept after a failure, in order behind the writes queued before. Never rejects. */
  flush(): Promise<void> {
    const kept = [...this.#unwritten];
    this.#unwritten.clear();
    for (const [key, tokens] of kept) {
      const [tenantId, day] = key.split(" ") as [string, string];
      void this.#write(tenantId, day, tokens, null);
    }
    return this.#inOrder(async () => {}).catch(() => {});
  }

  /** Writes what is left (once more), stops renewing and, when the pool is its own, closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renew);
    clearInterval(this.#retry);
    await this.flush();
    if (this.#owned) await this.#pool.close();
  }
}
