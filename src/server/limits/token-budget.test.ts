import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { TokenBudget } from "./token-budget.js";

describe("TokenBudget", () => {
  it("admits while tokens are left, then refuses until 00:00 UTC", async () => {
    let now = Date.parse("2026-03-01T23:59:00Z");
    const budget = new TokenBudget({ dailyTokens: 100, tenants: { big: 1_000 }, now: () => now });
    expect(await budget.check("t")).toEqual({ allowed: true });
    budget.spend("t", 60);
    expect((await budget.check("t")).allowed).toBe(true);
    budget.spend("t", 60);
    expect(await budget.used("t")).toBe(120);
    expect(await budget.check("t")).toEqual({ allowed: false, limit: 100, retryAfterSeconds: 60 });
    budget.spend("big", 120);
    expect((await budget.check("big")).allowed).toBe(true);
    now += 60_000;
    expect(await budget.used("t")).toBe(0);
    expect((await budget.check("t")).allowed).toBe(true);
  });

  it("never refuses without a budget, and ignores counts that are not positive", async () => {
    const budget = new TokenBudget({});
    budget.spend("t", 1e12);
    expect((await budget.check("t")).allowed).toBe(true);
    const limited = new TokenBudget({ dailyTokens: 10 });
    for (const n of [-5, Number.NaN, Number.POSITIVE_INFINITY, 0]) limited.spend("t", n);
    expect(await limited.used("t")).toBe(0);
  });

  it("keeps the day's count in the store across a restart, per tenant and UTC day", async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-budget-")), "alambique.db"));
    try {
      const tenant = await store.tenants.create({ slug: "shop", name: "Shop" });
      let now = Date.parse("2026-11-24T10:00:00Z");
      const first = new TokenBudget({ dailyTokens: 100, store, now: () => now, flushMs: 60_000 });
      first.spend(tenant.id, 70);
      first.spend(tenant.id, 20);
      first.spend("gone-tenant", 5); // a tenant removed meanwhile: dropped, not retried forever
      await first.close(); // the server stops: what is pending is written
      expect(await store.usage.get(tenant.id, "2026-11-24")).toBe(90);

      const second = new TokenBudget({ dailyTokens: 100, store, now: () => now, flushMs: 10 });
      expect(await second.used(tenant.id)).toBe(90);
      second.spend(tenant.id, 15);
      expect(await second.check(tenant.id)).toMatchObject({ allowed: false, limit: 100 });
      await expect.poll(() => store.usage.get(tenant.id, "2026-11-24")).toBe(105); // flushed by its timer
      now = Date.parse("2026-11-25T00:00:01Z");
      expect((await second.check(tenant.id)).allowed).toBe(true);
      await second.close();

      // Spent before the first read of the day: the stored count is added, not lost.
      now = Date.parse("2026-11-24T18:00:00Z");
      const third = new TokenBudget({ store, now: () => now, flushMs: 60_000 });
      third.spend(tenant.id, 10);
      expect(await third.used(tenant.id)).toBe(115);
      await third.close();
      third.spend(tenant.id, 5); // after close (a request cut off by the drain): written at once
      await expect.poll(() => store.usage.get(tenant.id, "2026-11-24")).toBe(120);
    } finally {
      await store.close();
    }
  });
});
