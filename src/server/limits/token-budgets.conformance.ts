/**
 * The `TokenBudgetStore` conformance suite (src/spec/token-budgets.ts), run
 * by every implementation's test file:
 *
 *   describeTokenBudgetsConformance("memory", async () => { const s = new MemoryTokenBudgets(); return { handles: [s, s], tenants: ["a", "b"] }; });
 *
 * `open` returns two handles on one set of counts and holds (two replicas'
 * for a shared store, the same object twice for one process's) and two
 * tenants that exist in it.
 */
import { describe, expect, it } from "vitest";
import type { BudgetHold, HoldAdmission, TokenBudgetStore } from "../../spec/token-budgets.js";
import { closeAfterEach } from "./close-after-each.conformance.js";

export type OpenTokenBudgets = () => Promise<{
  handles: [TokenBudgetStore, TokenBudgetStore];
  tenants: [string, string];
}>;

const DAY = "2026-12-06";

function held(admission: HoldAdmission): BudgetHold {
  if (!admission.allowed) throw new Error(`refused: ${admission.reason}, ${admission.left} left`);
  return admission.hold;
}

export function describeTokenBudgetsConformance(name: string, open: OpenTokenBudgets): void {
  describe(`token budgets conformance: ${name}`, () => {
    const closeLater = closeAfterEach<TokenBudgetStore>();
    const handles = async () => {
      const pair = await open();
      closeLater(pair.handles);
      return pair;
    };

    it("holds estimates against the limit, and settles each with what it used", async () => {
      const {
        handles: [a],
        tenants: [t],
      } = await handles();
      const first = held(await a.hold(t, DAY, 100, 60));
      expect(first.tokens).toBe(60);
      // 40 left: a request that may use 50 waits for `first`; one that may use 39.2 holds 40.
      expect(await a.hold(t, DAY, 100, 50)).toEqual({ allowed: false, reason: "held", left: 40 });
      const second = held(await a.hold(t, DAY, 100, 39.2));
      expect(second.tokens).toBe(40);
      expect(await a.hold(t, DAY, 100, 1)).toEqual({ allowed: false, reason: "held", left: 0 });
      await a.settle(first, 10.4); // used less than it held: the rest is free again
      expect(await a.used(t, DAY)).toBe(10);
      await a.settle(first, 5); // a hold settled again only counts
      expect(await a.used(t, DAY)).toBe(15);
      await a.settle(second, 0); // given back, nothing counted
      // Nobody holds anything: a request larger than what is left is admitted holding all of it.
      const alone = held(await a.hold(t, DAY, 100, 1_000));
      expect(alone.tokens).toBe(85);
      await a.settle(alone, 85);
      expect(await a.used(t, DAY)).toBe(100);
      expect(await a.hold(t, DAY, 100, 1)).toEqual({ allowed: false, reason: "spent", left: 0 });
    });

    it("keeps tenants and days apart, and counts only positive, finite usage", async () => {
      const {
        handles: [a],
        tenants: [t, u],
      } = await handles();
      await a.add(t, DAY, 30);
      await a.add(t, "2026-12-07", 7);
      for (const n of [-5, Number.NaN, Number.POSITIVE_INFINITY, 0]) await a.add(t, DAY, n);
      await a.add(u, DAY, 2.6);
      expect(await a.used(t, DAY)).toBe(30);
      expect(await a.used(t, "2026-12-07")).toBe(7);
      expect(await a.used(u, DAY)).toBe(3);
      expect(await a.used(u, "2026-12-05")).toBe(0);
      expect(await a.hold(t, DAY, 30, 1)).toMatchObject({ allowed: false, reason: "spent" });
      expect(held(await a.hold(u, DAY, 30, 1)).tokens).toBe(1);
    });

    it("admits a request that may use nothing without holding anything, until the day is spent", async () => {
      const {
        handles: [a],
        tenants: [t],
      } = await handles();
      const none = held(await a.hold(t, DAY, 10, 0));
      expect(none.tokens).toBe(0);
      await a.settle(none, 12); // what it really used still counts
      expect(await a.used(t, DAY)).toBe(12);
      expect(await a.hold(t, DAY, 10, 0)).toMatchObject({ allowed: false, reason: "spent" });
    });

    it("never admits past the limit when both handles hold at once, and each sees the other's counts", async () => {
      const {
        handles: [a, b],
        tenants: [t],
      } = await handles();
      const admissions = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).hold(t, DAY, 1_000, 100)),
      );
      const admitted = admissions.filter((x) => x.allowed).map(held);
      expect(admitted).toHaveLength(10);
      expect(admissions.filter((x) => !x.allowed && x.reason === "held")).toHaveLength(20);
      await Promise.all(admitted.map((hold, i) => (i % 2 === 0 ? a : b).settle(hold, 90)));
      await Promise.all([a.flush(), b.flush()]);
      expect(await a.used(t, DAY)).toBe(900);
      expect(await b.used(t, DAY)).toBe(900);
      expect(held(await b.hold(t, DAY, 1_000, 500)).tokens).toBe(100);
    });
  });
}
