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
    expect((await budget.reserve("t", 0)).allowed).toBe(true);
    budget.spend("t", 60);
    expect((await budget.reserve("t", 0)).allowed).toBe(true);
    budget.spend("t", 60);
    expect(await budget.used("t")).toBe(120);
    expect(await budget.reserve("t", 0)).toEqual({
      allowed: false,
      limit: 100,
      reason: "spent",
      left: 0,
      retryAfterSeconds: 60,
    });
    budget.spend("big", 120);
    expect((await budget.reserve("big", 0)).allowed).toBe(true);
    now += 60_000;
    expect(await budget.used("t")).toBe(0);
    expect((await budget.reserve("t", 0)).allowed).toBe(true);
  });

  it("never refuses without a budget, and ignores counts that are not positive", async () => {
    const budget = new TokenBudget({});
    budget.spend("t", 1e12);
    expect((await budget.reserve("t", 1e12)).allowed).toBe(true);
    const limited = new TokenBudget({ dailyTokens: 10 });
    for (const n of [-5, Number.NaN, Number.POSITIVE_INFINITY, 0]) limited.spend("t", n);
    expect(await limited.used("t")).toBe(0);
  });

  it("holds what admitted requests may use, so concurrent ones cannot be admitted past the budget", async () => {
    const budget = new TokenBudget({ dailyTokens: 100 });
    const admitted = async (tokens: number) => {
      const admission = await budget.reserve("t", tokens);
      if (!admission.allowed) throw new Error(`refused: ${admission.reason}`);
      return admission.reservation;
    };
    const a = await admitted(60);
    expect(a.tokens).toBe(60);
    // 40 left: a request that may use 50 must wait for `a`; one that may use 40 fits.
    expect(await budget.reserve("t", 50)).toMatchObject({ allowed: false, reason: "held", left: 40 });
    const b = await admitted(40);
    expect(await budget.reserve("t", 1)).toMatchObject({ allowed: false, reason: "held", left: 0 });
    a.charge(10); // used less than reserved: the rest is given back
    a.charge(5); // a second charge adds to the count, and gives back nothing more
    expect(await budget.used("t")).toBe(15);
    expect(a.tokens).toBe(0);
    b.release();
    b.release(); // idempotent
    const c = await admitted(85);
    c.charge(85);
    expect(await budget.used("t")).toBe(100);
    expect(await budget.reserve("t", 1)).toMatchObject({ allowed: false, reason: "spent", left: 0 });
  });

  it("admits a request larger than what is left only when no other holds any of it", async () => {
    const budget = new TokenBudget({ dailyTokens: 10 });
    const alone = await budget.reserve("t", 1_000);
    expect(alone).toMatchObject({ allowed: true, reservation: { tokens: 10 } });
    // Ten at once: none of the others is admitted while the first holds the rest of the day.
    const others = await Promise.all(Array.from({ length: 9 }, () => budget.reserve("t", 1_000)));
    expect(others.every((o) => !o.allowed && o.reason === "held" && o.retryAfterSeconds <= 5)).toBe(true);
    if (alone.allowed) alone.reservation.charge(8);
    expect(await budget.reserve("t", 1_000)).toMatchObject({ allowed: true, reservation: { tokens: 2 } });
    // Without a budget nothing is held, and what is charged is still counted.
    const free = new TokenBudget({});
    const open = await free.reserve("t", 1e9);
    expect(open).toMatchObject({ allowed: true, reservation: { tokens: 0 } });
    if (open.allowed) open.reservation.charge(7);
    expect(await free.used("t")).toBe(7);
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
      expect(await second.reserve(tenant.id, 0)).toMatchObject({ allowed: false, limit: 100 });
      await expect.poll(() => store.usage.get(tenant.id, "2026-11-24")).toBe(105); // flushed by its timer
      now = Date.parse("2026-11-25T00:00:01Z");
      expect((await second.reserve(tenant.id, 0)).allowed).toBe(true);
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
