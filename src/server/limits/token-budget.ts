import type { Store } from "../../spec/store.js";
import { type BudgetHold, type TokenBudgetStore, usedTokens } from "../../spec/token-budgets.js";
import { MemoryTokenBudgets } from "./memory-token-budgets.js";

export interface TokenBudgetOptions {
  /** Tokens (prompt + completion) each tenant may use per UTC day. Undefined: no budget. */
  dailyTokens?: number;
  /** Budgets of particular tenants, by tenant id, overriding `dailyTokens`. */
  tenants?: Record<string, number>;
  /**
   * Where counts and holds are kept when replicas share them (PostgreSQL's
   * `PostgresTokenBudgets`); the caller closes it. Default: this process's
   * memory (`MemoryTokenBudgets`), over `store` when given.
   */
  budgets?: TokenBudgetStore;
  /** Where this process's counts are kept across restarts (without `budgets`). Without one, they live in memory only. */
  store?: Pick<Store, "usage">;
  /** How often spent tokens are written to `store`, in ms. Default 2 000. */
  flushMs?: number;
  /** Wall clock, for the UTC day. Default `Date.now`. */
  now?: () => number;
  /** Told when writing to `store` fails (the tokens are kept and written with the next flush). */
  onFlushError?: (error: unknown) => void;
}

const DAY_MS = 86_400_000;

/** What a request holds of its tenant's budget from admission until it is charged. */
export interface BudgetReservation {
  /** Tokens held (0 without a budget, or for a request that was charged or released). */
  readonly tokens: number;
  /**
   * Counts what the request used (negative or non-finite counts as nothing)
   * and, on the first call, gives back what was held: the real usage
   * replaces the estimate, on the day the hold was taken. A later call adds
   * to today's count.
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
 * admitted past the budget (the rule: `decideHold` in src/spec/token-budgets.ts).
 * Counts and holds are kept by a `TokenBudgetStore`: this process's memory,
 * or, for replicas of one PostgreSQL database, tables every replica admits
 * against atomically, so one budget holds however requests are spread.
 * Charging never waits: the count is handed to the store, which writes it
 * (and keeps it to write again when that fails).
 */
export class TokenBudget {
  readonly #options: TokenBudgetOptions;
  readonly #now: () => number;
  readonly #budgets: TokenBudgetStore;
  /** Whether `#budgets` was made here (and is closed by `close`). */
  readonly #owned: boolean;

  constructor(options: TokenBudgetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#owned = options.budgets === undefined;
    this.#budgets =
      options.budgets ??
      new MemoryTokenBudgets({
        ...(options.store ? { store: options.store } : {}),
        ...(options.flushMs !== undefined ? { flushMs: options.flushMs } : {}),
        ...(options.onFlushError ? { onFlushError: options.onFlushError } : {}),
      });
  }

  /** The tenant's daily budget, or undefined when it has none. */
  limit(tenantId: string): number | undefined {
    return this.#options.tenants?.[tenantId] ?? this.#options.dailyTokens;
  }

  /** Tokens the tenant has used today (holds not included). */
  used(tenantId: string): Promise<number> {
    return this.#budgets.used(tenantId, this.#day());
  }

  /**
   * Admits a request that may use about `tokens` (its prompt and the most
   * it may generate, estimated), holding them until it is charged or
   * released. Every admitted request must end in `charge` or `release`.
   * Throws `StoreError` when a shared store cannot be reached.
   */
  async reserve(tenantId: string, tokens: number): Promise<BudgetAdmission> {
    const limit = this.limit(tenantId);
    if (limit === undefined) return { allowed: true, reservation: this.#reservation(tenantId, undefined) };
    const admission = await this.#budgets.hold(tenantId, this.#day(), limit, tokens);
    if (admission.allowed) return { allowed: true, reservation: this.#reservation(tenantId, admission.hold) };
    const retryAfterSeconds = admission.reason === "spent" ? this.#untilTomorrow() : HELD_RETRY_SECONDS;
    return { allowed: false, limit, reason: admission.reason, left: admission.left, retryAfterSeconds };
  }

  #reservation(tenantId: string, hold: BudgetHold | undefined): BudgetReservation {
    let holding = hold;
    const settle = (tokens: number) => {
      const ended = holding!;
      holding = undefined;
      void this.#budgets.settle(ended, tokens);
    };
    return {
      get tokens() {
        return holding?.tokens ?? 0;
      },
      charge: (tokens) => {
        if (holding) settle(tokens);
        else this.spend(tenantId, tokens);
      },
      release: () => {
        if (holding) settle(0);
      },
    };
  }

  #untilTomorrow(): number {
    const now = this.#now();
    return Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000));
  }

  /** Adds what a response used, to today's count. Negative or non-finite counts are ignored. */
  spend(tenantId: string, tokens: number): void {
    if (usedTokens(tokens) > 0) void this.#budgets.add(tenantId, this.#day(), tokens);
  }

  /** Resolves once what was spent so far is written. Never rejects. */
  flush(): Promise<void> {
    return this.#budgets.flush();
  }

  /** Writes what is left (and closes the store made here); what is spent afterwards is written at once. */
  close(): Promise<void> {
    return this.#owned ? this.#budgets.close() : this.#budgets.flush();
  }

  #day(): string {
    return new Date(Math.floor(this.#now() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  }
}
