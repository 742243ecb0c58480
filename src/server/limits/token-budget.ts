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
}

const DAY_MS = 86_400_000;

interface UsedToday {
  day: number;
  tokens: number;
  /** Whether the store's count for the day has been added (always, without a store). */
  loaded: boolean;
  loading?: Promise<void> | undefined;
}

/**
 * Daily token budgets per tenant, counted from the usage that responses
 * report. A request is admitted while the tenant has tokens left, so requests
 * running at the same time can overshoot the budget by what they produce; the
 * next one is refused. Counts start over at 00:00 UTC.
 *
 * With a store, a tenant's count for the day is read from it on the tenant's
 * first request of the day, and what is spent is added to it every `flushMs`
 * and on `close()`: a restart keeps the day's count (a crash loses at most
 * the last `flushMs` of it), and requests never wait for a disk write.
 * Several servers on one store each add their own spending; each reads the
 * others' only on its first request of the day.
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
      entry = { day, tokens: 0, loaded: this.#options.store === undefined };
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
    } finally {
      entry.loading = undefined;
    }
  }

  /** Whether the tenant may start another request; when not, the seconds until the budget renews. */
  async check(
    tenantId: string,
  ): Promise<{ allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number }> {
    const limit = this.limit(tenantId);
    if (limit === undefined || (await this.used(tenantId)) < limit) return { allowed: true };
    const now = this.#now();
    const retryAfterSeconds = Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000));
    return { allowed: false, limit, retryAfterSeconds };
  }

  /** Adds what a response used. Negative or non-finite counts are ignored. */
  spend(tenantId: string, tokens: number): void {
    if (!(tokens > 0) || !Number.isFinite(tokens)) return;
    const amount = Math.round(tokens);
    const day = this.#day();
    const entry = this.#used.get(tenantId);
    if (entry && entry.day === day) entry.tokens += amount;
    // Not read from the store yet: `used()` adds the stored count when it first reads it.
    else this.#used.set(tenantId, { day, tokens: amount, loaded: this.#options.store === undefined });
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
    const batch = [...this.#pending];
    this.#pending.clear();
    const previous = this.#flushing ?? Promise.resolve();
    const run = previous.then(async () => {
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
