import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectStoreError, seedTenant } from "./store-test-kit.conformance.js";

export function describeUsage(kit: StoreTestKit): void {
  describe("usage", () => {
    it("adds tokens per tenant and UTC day, and reads 0 for nothing used", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const other = await seedTenant(store);
      expect(await store.usage.get(tenant.id, "2026-11-24")).toBe(0);
      await store.usage.add(tenant.id, "2026-11-24", 120);
      await store.usage.add(tenant.id, "2026-11-24", 30);
      await store.usage.add(tenant.id, "2026-11-25", 7);
      await store.usage.add(other.id, "2026-11-24", 1);
      expect(await store.usage.get(tenant.id, "2026-11-24")).toBe(150);
      expect(await store.usage.get(tenant.id, "2026-11-25")).toBe(7);
      expect(await store.usage.get(other.id, "2026-11-24")).toBe(1);
    });

    it("refuses an unknown tenant, a malformed day or a negative count", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      await expectStoreError(store.usage.add("no-such-tenant", "2026-11-24", 1), "foreign_key");
      await expectStoreError(store.usage.add(tenant.id, "24/11/2026", 1), "check");
      await expectStoreError(store.usage.add(tenant.id, "2026-11-24", -5), "check");
      expect(await store.usage.get(tenant.id, "2026-11-24")).toBe(0);
    });
  });
}
