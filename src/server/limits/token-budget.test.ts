import { describe, expect, it } from "vitest";
import { TokenBudget } from "./token-budget.js";

describe("TokenBudget", () => {
  it("admits while tokens are left, then refuses until 00:00 UTC", () => {
    let now = Date.parse("2026-03-01T23:59:00Z");
    const budget = new TokenBudget({ dailyTokens: 100, tenants: { big: 1_000 }, now: () => now });
    expect(budget.check("t")).toEqual({ allowed: true });
    budget.spend("t", 60);
    expect(budget.check("t").allowed).toBe(true);
    budget.spend("t", 60);
    expect(budget.used("t")).toBe(120);
    expect(budget.check("t")).toEqual({ allowed: false, limit: 100, retryAfterSeconds: 60 });
    budget.spend("big", 120);
    expect(budget.check("big").allowed).toBe(true);
    now += 60_000;
    expect(budget.used("t")).toBe(0);
    expect(budget.check("t").allowed).toBe(true);
  });

  it("never refuses without a budget, and ignores counts that are not positive", () => {
    const budget = new TokenBudget({});
    budget.spend("t", 1e12);
    expect(budget.check("t").allowed).toBe(true);
    const limited = new TokenBudget({ dailyTokens: 10 });
    for (const n of [-5, Number.NaN, Number.POSITIVE_INFINITY, 0]) limited.spend("t", n);
    expect(limited.used("t")).toBe(0);
  });
});
