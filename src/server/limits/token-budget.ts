export interface TokenBudgetOptions {
  /** Tokens (prompt + completion) each tenant may use per UTC day. Undefined: no budget. */
  dailyTokens?: number;
  /** Budgets of particular tenants, by tenant id, overriding `dailyTokens`. */
  tenants?: Record<string, number>;
  /** Wall clock, for the UTC day. Default `Date.now`. */
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Daily token budgets per tenant, counted from the usage that responses
 * report. A request is admitted while the tenant has tokens left, so requests
 * running at the same time can overshoot the budget by what they produce; the
 * next one is refused. Counts live in this process and start over at 00:00 UTC
 * (and on restart): one server, one count.
 */
export class TokenBudget {
  readonly #options: TokenBudgetOptions;
  readonly #now: () => number;
  readonly #used = new Map<string, { day: number; tokens: number }>();

  constructor(options: TokenBudgetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The tenant's daily budget, or undefined when it has none. */
  limit(tenantId: string): number | undefined {
    return this.#options.tenants?.[tenantId] ?? this.#options.dailyTokens;
  }

  /** Tokens the tenant has used today. */
  used(tenantId: string): number {
    const entry = this.#used.get(tenantId);
    return entry && entry.day === this.#day() ? entry.tokens : 0;
  }

  /** Whether the tenant may start another request; when not, the seconds until the budget renews. */
  check(tenantId: string): { allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number } {
    const limit = this.limit(tenantId);
    if (limit === undefined || this.used(tenantId) < limit) return { allowed: true };
    const now = this.#now();
    const retryAfterSeconds = Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000));
    return { allowed: false, limit, retryAfterSeconds };
  }

  /** Adds what a response used. Negative or non-finite counts are ignored. */
  spend(tenantId: string, tokens: number): void {
    if (!(tokens > 0) || !Number.isFinite(tokens)) return;
    const day = this.#day();
    const entry = this.#used.get(tenantId);
    if (entry && entry.day === day) entry.tokens += tokens;
    else this.#used.set(tenantId, { day, tokens });
  }

  #day(): number {
    return Math.floor(this.#now() / DAY_MS);
  }
}
