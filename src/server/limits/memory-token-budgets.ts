import type { Store } from "../../spec/store.js";
import {
  type BudgetHold,
  decideHold,
  type HoldAdmission,
  type TokenBudgetStore,
  usedTokens,
} from "../../spec/token-budgets.js";

export interface MemoryTokenBudgetsOptions {
  /** Where the day's counts are kept across restarts. Without one, they live in this process only. */
  store?: Pick<Store, "usage">;
  /** How often counts are written to the store, in ms. Default 2 000. */
  flushMs?: number;
  /** Told when writing to the store fails (the tokens are kept and written with the next flush). */
  onFlushError?: (error: unknown) => void;
}

interface DayCount {
  day: string;
  tokens: number;
  /** Held by requests in progress, not counted in `tokens`. */
  holding: number;
  /** Whether the store's count for the day has been added (always, without a store). */
  loaded: boolean;
  loading?: Promise<void> | undefined;
}

/**
 * `TokenBudgetStore` in this process's memory: the counts and holds of one
 * server (a SQLite store, which one process serves). Holds need no expiry:
 * they die with the process that holds them.
 *
 * With a store, a tenant's count for a day is read from it on first use, and
 * what is counted is added to it every `flushMs` and on `close()`: a restart
 * keeps the day's count (a crash loses at most the last `flushMs` of it), and
 * requests never wait for a disk write. Counting happens when `settle` or
 * `add` is called, before its promise settles, so a caller that does not
 * await still reads its own counts.
 */
export class MemoryTokenBudgets implements TokenBudgetStore {
  readonly #options: MemoryTokenBudgetsOptions;
  /** By `${tenantId} ${day}`; days before the day before the newest one used are dropped. */
  readonly #counts = new Map<string, DayCount>();
  /** Counted since the last flush, by `${tenantId} ${day}`. */
  readonly #pending = new Map<string, number>();
  readonly #holds = new Map<string, DayCount>();
  #nextHold = 1;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: MemoryTokenBudgetsOptions = {}) {
    this.#options = options;
  }

  async used(tenantId: string, day: string): Promise<number> {
    return (await this.#loaded(tenantId, day)).tokens;
  }

  async hold(tenantId: string, day: string, limit: number, tokens: number): Promise<HoldAdmission> {
    const count = await this.#loaded(tenantId, day);
    // No await from here on: the decision and the hold are one step, as concurrent callers see them.
    const decision = decideHold(limit, count.tokens, count.holding, tokens);
    if (!decision.allowed) return decision;
    count.holding += decision.tokens;
    const id = decision.tokens > 0 ? String(this.#nextHold++) : "";
    if (id) this.#holds.set(id, count);
    return { allowed: true, hold: { id, tenantId, day, tokens: decision.tokens } };
  }

  async settle(hold: BudgetHold, tokens: number): Promise<void> {
    const count = this.#holds.get(hold.id);
    if (count) {
      count.holding -= hold.tokens;
      this.#holds.delete(hold.id);
    }
    this.#count(hold.tenantId, hold.day, tokens);
  }

  async add(tenantId: string, day: string, tokens: number): Promise<void> {
    this.#count(tenantId, day, tokens);
  }

  #count(tenantId: string, day: string, tokens: number): void {
    const amount = usedTokens(tokens);
    if (amount === 0) return;
    // Not read from the store yet: the stored count is added when it is first read.
    this.#entry(tenantId, day).tokens += amount;
    if (!this.#options.store) return;
    const key = `${tenantId} ${day}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + amount);
    // After close() (a request cut off by the drain): written at once, while the store is still open.
    if (this.#closed) void this.flush();
    else this.#schedule();
  }

  #entry(tenantId: string, day: string): DayCount {
    const key = `${tenantId} ${day}`;
    let count = this.#counts.get(key);
    if (!count) {
      // Memory stays bounded: a new day drops the counts of days before yesterday (never asked for again).
      const before = new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10);
      for (const [other, entry] of this.#counts) if (entry.day < before) this.#counts.delete(other);
      count = { day, tokens: 0, holding: 0, loaded: this.#options.store === undefined };
      this.#counts.set(key, count);
    }
    return count;
  }

  async #loaded(tenantId: string, day: string): Promise<DayCount> {
    for (;;) {
      const count = this.#entry(tenantId, day);
      if (count.loaded) return count;
      count.loading ??= this.#load(tenantId, count);
      await count.loading;
      // Checked again: a newer day may have dropped the entry while the store was read.
      if (this.#counts.get(`${tenantId} ${day}`) === count) return count;
    }
  }

  /** Adds the stored count (written before this process started) to what was counted here. */
  async #load(tenantId: string, count: DayCount): Promise<void> {
    try {
      count.tokens += (await this.#options.store?.usage.get(tenantId, count.day)) ?? 0;
      count.loaded = true;
    } finally {
      count.loading = undefined;
    }
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.flushMs ?? 2000).unref();
  }

  flush(): Promise<void> {
    const store = this.#options.store;
    if (!store || this.#pending.size === 0) return this.#flushing ?? Promise.resolve();
    const previous = this.#flushing ?? Promise.resolve();
    // Taken when its turn comes, not now: whatever is counted until then goes in the same writes.
    const run = previous.then(async () => {
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
            if (!this.#closed) this.#schedule(); // tried again after flushMs, not only on the next count
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

  /** Stops the timer and writes what is left; what is counted afterwards is written at once. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
