import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { describeTokenBudgetsConformance } from "../../server/limits/token-budgets.conformance.js";
import { openStore } from "../open-store.js";
import { LimitsPool } from "./postgres-limits-pool.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";
import { PostgresTokenBudgets } from "./postgres-token-budgets.js";

/** A migrated database with two tenants: the store applies migration 8 (budget_holds) on open. */
async function migrated(): Promise<{ url: string; tenants: [string, string] }> {
  const url = await freshPostgresUrl("budgets");
  const store = await openStore(url);
  try {
    const shop = await store.tenants.create({ slug: "shop", name: "Shop" });
    const bar = await store.tenants.create({ slug: "bar", name: "Bar" });
    return { url, tenants: [shop.id, bar.id] };
  } finally {
    await store.close();
  }
}

const DAY = "2026-12-06";

describePostgres("PostgreSQL token budgets", () => {
  // Two pools on one database: two replicas' views of the same counts and holds.
  describeTokenBudgetsConformance("postgres", async () => {
    const { url, tenants } = await migrated();
    return { handles: [new PostgresTokenBudgets({ url }), new PostgresTokenBudgets({ url })], tenants };
  });

  it("keeps a running request's hold past its lifetime, and lets a dead replica's lapse", async () => {
    const {
      url,
      tenants: [t],
    } = await migrated();
    const dying = new PostgresTokenBudgets({ url, holdTtlMs: 300 });
    const living = new PostgresTokenBudgets({ url, holdTtlMs: 300 });
    const other = new PostgresTokenBudgets({ url });
    try {
      const running = await living.hold(t, DAY, 1_000, 400);
      expect(running.allowed).toBe(true);
      expect((await dying.hold(t, DAY, 1_000, 500)).allowed).toBe(true);
      expect(await other.hold(t, DAY, 1_000, 200)).toEqual({ allowed: false, reason: "held", left: 100 });
      // The dying replica stops renewing (as if killed: nothing is settled); the living one renews every 100 ms.
      await dying.close();
      await sleep(700);
      expect(await other.hold(t, DAY, 1_000, 700)).toEqual({ allowed: false, reason: "held", left: 600 });
      const rows = await raw(url, async (c) => (await c.query("SELECT tokens FROM budget_holds")).rows);
      expect(rows).toEqual([{ tokens: "400" }]); // the lapsed hold is deleted, the renewed one kept
      if (running.allowed) await living.settle(running.hold, 380);
      expect(await other.used(t, DAY)).toBe(380);
    } finally {
      await Promise.all([living.close(), other.close()]);
    }
  });

  it("shares one pool between budgets, and fails admissions with store_unavailable when unreachable", async () => {
    const {
      url,
      tenants: [t],
    } = await migrated();
    const pool = new LimitsPool({ url, connections: 2 });
    const a = new PostgresTokenBudgets({ pool });
    const b = new PostgresTokenBudgets({ pool });
    await a.add(t, DAY, 5);
    await a.close(); // the pool is not its own: still open for b
    expect(await b.used(t, DAY)).toBe(5);
    await b.close();
    await pool.close();

    const down = new PostgresTokenBudgets({
      url: "postgres://nobody@127.0.0.1:1/none",
      acquireTimeoutMs: 500,
    });
    const errors: unknown[] = [];
    const kept = new PostgresTokenBudgets({
      url: "postgres://nobody@127.0.0.1:1/none",
      acquireTimeoutMs: 500,
      onError: (error) => errors.push(error),
    });
    try {
      await expect(down.hold(t, DAY, 10, 1)).rejects.toMatchObject({ code: "store_unavailable" });
      // A count that cannot be written is kept (and tried again), never thrown at the caller.
      await kept.add(t, DAY, 3);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: "store_unavailable" });
    } finally {
      await down.close();
      // Its close tries once more, and fails again: it must still end.
      await kept.close();
    }
  });
});
