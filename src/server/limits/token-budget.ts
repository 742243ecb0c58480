import type { Store } from "../../spec/store.js";

export interface TokenBudgetOptions {
  /** Tokens (prompt + completion) each tenant may use per UTC day. Undefined: no budget. */
  dailyTokens?: number;
  /** Budgets of particular tenants, by tenant id, overriding `dailyTokens`. */
  tenants?: Record<string, number>;
  /** Where the day's counts are kept across restarts. Without one, they live in this process only. */
  store?: Pick<Store, "usage">;
  /** How often spent tokens are written to the store, in ms. Default 2 000. */
  flushMs?: number;
  /** Wall clock, for the UTC day. Default `Date.now`. */
  now?: () => number;
  /** Told when writing to the store fails (the tokens are kept and written with the next flush). */
  onFlushError?: (error: unknown) => void;
  /**
   * With a store that other processes write too (replicas on PostgreSQL): a
   * tenant's count is read again from the store when a request finds it
   * older than this, in ms, so that what the other replicas spent counts
   * here within about `flushMs + refreshMs`. Undefined: read once a day.
   */
  refreshMs?: number;
}

const DAY_MS = 86_400_000;

interface UsedToday {
  day: number;
  tokens: number;
  /** Reserved by requests in progress, not counted in `tokens` yet. */
  held: number;
  /** Whether the store's count for the day has been added (always, without a store). */
  loaded: boolean;
  /** When the store's count was last read (`now()`), for `refreshMs`. */
  readAt?: number;
  refreshing?: boolean;
  loading?: Promise<void> | undefined;
}

/** What a request holds of its tenant's budget from admission until it is charged. */
export interface BudgetReservation {
  /** Tokens held (0 without a budget, or for a request that was charged or released). */
  readonly tokens: number;
  /**
   * Counts what the request used (negative or non-finite counts as nothing)
   * and, on the first call, gives back what was held: the real usage
   * replaces the estimate. A later call adds to the count.
   */
  charge(tokens: number): void;
  /** Gives back what is still held without counting anything. Idempotent; a later `charge` still counts. */
  release(): void;
}

export type BudgetAdmission =
  | { allowed: true; reservation: BudgetReservation }
  | {
      allowed: false;
      limit: number;
      /** `spent`: nothing is left today; `held`: what is left is reserved by requests in progress. */
      reason: "spent" | "held";
      /** Tokens neither used nor held. */
      left: number;
      retryAfterSeconds: number;
    };

/** When to retry a request refused because requests in progress hold what is left: soon, as they end. */
const HELD_RETRY_SECONDS = 2;

/**
 * Daily token budgets per tenant, counted from the usage that responses
 * report. Counts start over at 00:00 UTC.
 *
 * A request reserves an estimate of what it will use before it starts
 * (`reserve`) and is charged its real usage when it ends: requests running
 * at the same time hold their estimates, so together they cannot be
 * admitted past the budget. A request whose estimate does not fit what is
 * left is still admitted when no other request holds any of the budget (it
 * holds all that is left): one request at a time may run out the budget, as
 * before, but a burst of them cannot.
 *
 * With a store, a tenant's count for the day is read from it on the tenant's
 * first request of the day, and what is spent is added to it every `flushMs`
 * and on `close()`: a restart keeps the day's count (a crash loses at most
 * the last `flushMs` of it), and requests never wait for a disk write.
 * Several servers on one store each add their own spending; each reads the
 * others' on its first request of the day, and again every `refreshMs` when
 * set (replicas): the store's count, plus what is spent here and not yet
 * written, replaces the one kept here. Holds stay in each process: replicas
 * admitting at once may together pass the budget by what they hold.
 */
export class TokenBudget {
  readonly #options: TokenBudgetOptions;
  readonly #now: () => number;
  readonly #used = new Map<string, UsedToday>();
  /** Spent since the last flush, by tenant and day (`${tenantId} ${day}`). */
  readonly #pending = new Map<string, number>();
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: TokenBudgetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The tenant's daily budget, or undefined when it has none. */
  limit(tenantId: string): number | undefined {
    return this.#options.tenants?.[tenantId] ?? this.#options.dailyTokens;
  }

  /** Tokens the tenant has used today. */
  async used(tenantId: string): Promise<number> {
    const day = this.#day();
    let entry = this.#used.get(tenantId);
    if (!entry || entry.day !== day) {
      entry = { day, tokens: 0, held: 0, loaded: this.#options.store === undefined };
      this.#used.set(tenantId, entry);
    }
    if (!entry.loaded) {
      entry.loading ??= this.#load(tenantId, entry);
      await entry.loading;
    }
    return entry.tokens;
  }

  /** Adds the stored count (written before this process started, or by another one) to what was spent here. */
  async #load(tenantId: string, entry: UsedToday): Promise<void> {
    try {
      entry.tokens += (await this.#options.store?.usage.get(tenantId, isoDay(entry.day))) ?? 0;
      entry.loaded = true;
      entry.readAt = this.#now();
    } finally {
      entry.loading = undefined;
    }
  }

  /** Whether the tenant has tokens neither used nor held; when not, the seconds until the budget renews. */
  async check(
    tenantId: string,
  ): Promise<{ allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number }> {
    const limit = this.limit(tenantId);
    if (limit === undefined) return { allowed: true };
    const entry = await this.#today(tenantId);
    if (entry.tokens + entry.held < limit) return { allowed: true };
    return { allowed: false, limit, retryAfterSeconds: this.#untilTomorrow() };
  }

  /**
   * Admits a request that may use about `tokens` (its prompt and the most
   * it may generate, estimated), holding them until it is charged or
   * released; see the class for the rule. The check and the hold happen
   * without an await between them, so concurrent calls see each other's
   * holds. Every admitted request must end in `charge` or `release`.
   */
  async reserve(tenantId: string, tokens: number): Promise<BudgetAdmission> {
    const limit = this.limit(tenantId);
    if (limit === undefined) return { allowed: true, reservation: this.#reservation(tenantId, undefined, 0) };
    const entry = await this.#today(tenantId);
    const left = Math.max(0, limit - entry.tokens - entry.held);
    const wanted = Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;
    if (entry.tokens >= limit) {
      return { allowed: false, limit, reason: "spent", left, retryAfterSeconds: this.#untilTomorrow() };
    }
    if (wanted > left && entry.held > 0) {
      return { allowed: false, limit, reason: "held", left, retryAfterSeconds: HELD_RETRY_SECONDS };
    }
    const held = Math.min(wanted, left);
    entry.held += held;
    return { allowed: true, reservation: this.#reservation(tenantId, entry, held) };
  }

  #reservation(tenantId: string, entry: UsedToday | undefined, held: number): BudgetReservation {
    let holding = held;
    const release = () => {
      // The entry of the day it was made on: a hold that outlives its day is given back to that day.
      if (entry) entry.held -= holding;
      holding = 0;
    };
    return {
      get tokens() {
        return holding;
      },
      charge: (tokens) => {
        release();
        this.spend(tenantId, tokens);
      },
      release,
    };
  }

  /** Today's entry of the tenant, with the store's count added (and read again when older than `refreshMs`). */
  async #today(tenantId: string): Promise<UsedToday> {
    for (;;) {
      await this.used(tenantId);
      const entry = this.#used.get(tenantId);
      // Checked again after the await: the day may have turned while the store was read.
      if (entry?.day === this.#day() && entry.loaded) {
        this.#refreshIfStale(tenantId, entry);
        return entry;
      }
    }
  }

  /**
   * Reads the tenant's stored count again in the background (this request
   * goes on with what is known) when it is older than `refreshMs`. Queued
   * behind the flushes, so that the count read never misses a write of this
   * process that it would then count twice or not at all: the store's count
   * plus what is spent here and not yet written is the whole.
   */
  #refreshIfStale(tenantId: string, entry: UsedToday): void {
    const { refreshMs, store } = this.#options;
    if (refreshMs === undefined || !store || entry.refreshing) return;
    if (this.#now() - (entry.readAt ?? 0) < refreshMs) return;
    entry.refreshing = true;
    const key = `${tenantId} ${isoDay(entry.day)}`;
    this.#enqueue(async () => {
      try {
        const stored = await store.usage.get(tenantId, isoDay(entry.day));
        entry.tokens = stored + (this.#pending.get(key) ?? 0);
        entry.readAt = this.#now();
      } catch (error) {
        this.#options.onFlushError?.(error);
      } finally {
        entry.refreshing = false;
      }
    });
  }

  #untilTomorrow(): number {
    const now = this.#now();
    return Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000));
  }

  /** Adds what a response used. Negative or non-finite counts are ignored. */
  spend(tenantId: string, tokens: number): void {
    if (!(tokens > 0) || !Number.isFinite(tokens)) return;
    const amount = Math.round(tokens);
    const day = this.#day();
    const entry = this.#used.get(tenantId);
    if (entry && entry.day === day) entry.tokens += amount;
    // Not read from the store yet: `used()` adds the stored count when it first reads it.
    else
      this.#used.set(tenantId, { day, tokens: amount, held: 0, loaded: this.#options.store === undefined });
    if (!this.#options.store) return;
    const key = `${tenantId} ${isoDay(day)}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + amount);
    // After close() (a request cut off by the drain): written at once, while the store is still open.
    if (this.#closed) void this.flush();
    else this.#schedule();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.flushMs ?? 2000).unref();
  }

  /** Writes what was spent since the last flush to the store. Never rejects. */
  flush(): Promise<void> {
    const store = this.#options.store;
    if (!store || this.#pending.size === 0) return this.#flushing ?? Promise.resolve();
    // Taken when its turn comes, not now: a refresh queued before it must still count these as unwritten.
    return this.#enqueue(async () => {
      const batch = [...this.#pending];
      this.#pending.clear();
      for (const [key, tokens] of batch) {
        const [tenantId, day] = key.split(" ") as [string, string];
        try {
          await store.usage.add(tenantId, day, tokens);
        } catch (error) {
          // Kept for the next flush, unless the tenant is gone (nothing to count against).
          if ((error as { kind?: string }).kind !== "foreign_key") {
            this.#pending.set(key, (this.#pending.get(key) ?? 0) + tokens);
            if (!this.#closed) this.#schedule(); // tried again after flushMs, not only on the next spend
          }
          this.#options.onFlushError?.(error);
        }
      }
    });
  }

  /** Runs `work` after the store work queued before it (flushes, refreshes), one at a time. Never rejects. */
  #enqueue(work: () => Promise<void>): Promise<void> {
    const previous = this.#flushing ?? Promise.resolve();
    const run = previous.then(work).catch(() => {});
    const tracked: Promise<void> = run.finally(() => {
      if (this.#flushing === tracked) this.#flushing = undefined;
    });
    this.#flushing = tracked;
    return tracked;
  }

  /** Stops the timer and writes what is left; what is spent afterwards is written at once. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  #day(): number {
    return Math.floor(this.#now() / DAY_MS);
  }
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
