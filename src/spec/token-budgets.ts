/**
 * Where daily token budgets keep each tenant's count for the day and the
 * holds of requests in progress (src/server/limits/token-budget.ts applies
 * the budgets). In one process (SQLite, or tests) both live in memory
 * (src/server/limits/memory-token-budgets.ts); replicas serving one
 * PostgreSQL database share them in tables (src/store/postgres/postgres-token-budgets.ts),
 * so that one budget holds whichever replicas a tenant's requests reach.
 *
 * Days are UTC calendar days, `YYYY-MM-DD`, chosen by the caller.
 */

/** What an admitted request holds of its tenant's day until it is settled. */
export interface BudgetHold {
  /** Unique among the store's holds; empty for a hold of no tokens (nothing was recorded). */
  readonly id: string;
  readonly tenantId: string;
  readonly day: string;
  /** Tokens held: at most what was asked, at most what was left. */
  readonly tokens: number;
}

export type HoldAdmission =
  | { allowed: true; hold: BudgetHold }
  | {
      allowed: false;
      /** `spent`: the day's count reached the limit; `held`: what is left is held by requests in progress. */
      reason: "spent" | "held";
      /** Tokens neither counted nor held. */
      left: number;
    };

export interface TokenBudgetStore {
  /** Tokens counted for the tenant on `day` (settled and added), holds not included. */
  used(tenantId: string, day: string): Promise<number>;
  /**
   * Admits a request that may use `tokens` against `limit` by the rule of
   * `decideHold`, and holds what it grants, atomically: concurrent holds
   * from any number of processes each see the others'. A hold lasts until it
   * is settled, or (shared stores) until the process that took it stops
   * renewing it, having died. Throws `StoreError` (`unavailable`) when the
   * shared store cannot be reached.
   */
  hold(tenantId: string, day: string, limit: number, tokens: number): Promise<HoldAdmission>;
  /**
   * Ends `hold` and counts `tokens` (rounded; nothing when not positive or not
   * finite) on the hold's day, as one change: nobody sees the hold gone and
   * the tokens not yet counted. Settling a hold again only counts. Never
   * rejects: a count that cannot be written now is kept and written later.
   */
  settle(hold: BudgetHold, tokens: number): Promise<void>;
  /** Counts `tokens` used without a hold (rounded; nothing when not positive or not finite). Never rejects, as `settle`. */
  add(tenantId: string, day: string, tokens: number): Promise<void>;
  /** Resolves once every count made so far is where other processes (or a restart) can read it. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, stops timers and closes connections; nothing may be called afterwards. */
  close(): Promise<void>;
}

export type HoldDecision =
  | { allowed: true; tokens: number }
  | { allowed: false; reason: "spent" | "held"; left: number };

/**
 * The admission rule every `TokenBudgetStore` applies (PostgreSQL's
 * `alambique_budget_hold` mirrors it in SQL; the conformance suite holds
 * both to it). `used`: the day's count; `holding`: what requests in progress
 * hold. Refused once the count reaches the limit (`spent`). A request whose
 * estimate does not fit what is left is refused while others hold some of
 * it (`held`: retry as they end), and admitted holding all that is left when
 * none does: one request at a time may run out the budget, a burst cannot.
 */
export function decideHold(limit: number, used: number, holding: number, tokens: number): HoldDecision {
  const left = Math.max(0, limit - used - holding);
  const wanted = wantedTokens(tokens);
  if (used >= limit) return { allowed: false, reason: "spent", left };
  if (wanted > left && holding > 0) return { allowed: false, reason: "held", left };
  return { allowed: true, tokens: Math.min(wanted, left) };
}

/** A count as stores keep it: whole tokens, rounded up for an estimate; 0 for anything not positive or not finite. */
export function wantedTokens(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;
}

/** Tokens a response used, as counted: whole, rounded; 0 for anything not positive or not finite. */
export function usedTokens(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? Math.round(tokens) : 0;
}
