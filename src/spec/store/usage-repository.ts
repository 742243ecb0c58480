// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
/** Tokens each tenant's requests used, per UTC day (what daily token budgets count against). */
export interface UsageRepository {
  /** Adds `tokens` (an integer ≥ 0) to the tenant's count for `day` (YYYY-MM-DD). StoreError(foreign_key) for an unknown tenant. */
  add(tenantId: string, day: string, tokens: number): Promise<void>;
  /** The tenant's count for `day`; 0 when nothing was used. */
  get(tenantId: string, day: string): Promise<number>;
}
