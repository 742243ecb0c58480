import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectValidationError,
  isoTimePattern,
  seedTenant,
} from "./store-test-kit.conformance.js";

/** `AgentsRepository`'s versions: one per save, numbered per agent, written with the save. */
export function describeAgentVersions(kit: StoreTestKit): void {
  describe("agent versions", () => {
    it("records every save as the next version, lists newest first without specs, reads one with its spec", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const created = await store.agents.create({
        tenantId: tenant.id,
        name: "mostrador",
        spec: { persona: "A" },
      });
      const second = await store.agents.update(tenant.id, created.id, { persona: "B" }, "key-1");
      const third = await store.agents.update(tenant.id, created.id, { persona: "C", tools: [] }, null);
      const listed = await store.agents.listVersions(tenant.id, created.id, 10);
      expect(listed).toEqual([
        { agentId: created.id, version: 3, savedAt: third.updatedAt, savedBy: null },
        { agentId: created.id, version: 2, savedAt: second.updatedAt, savedBy: "key-1" },
        { agentId: created.id, version: 1, savedAt: created.updatedAt, savedBy: null },
      ]);
      for (const entry of listed) expect(entry.savedAt).toMatch(isoTimePattern);
      expect(await store.agents.listVersions(tenant.id, created.id, 2)).toEqual(listed.slice(0, 2));
      expect(await store.agents.getVersion(tenant.id, created.id, 1)).toEqual({
        ...listed[2],
        spec: { persona: "A" },
      });
      expect((await store.agents.getVersion(tenant.id, created.id, 3))?.spec).toEqual({
        persona: "C",
        tools: [],
      });
      expect(await store.agents.getVersion(tenant.id, created.id, 4)).toBeUndefined();
      expect(await store.agents.getVersion(tenant.id, created.id, 0)).toBeUndefined();
      expect(await store.agents.getVersion(tenant.id, created.id, 2 ** 40)).toBeUndefined();
      const withKey = await store.agents.create({
        tenantId: tenant.id,
        name: "otro",
        spec: {},
        savedBy: "key-2",
      });
      expect(await store.agents.listVersions(tenant.id, withKey.id, 5)).toEqual([
        { agentId: withKey.id, version: 1, savedAt: withKey.createdAt, savedBy: "key-2" },
      ]);
    });

    it("refuses a limit outside 1…1000 with a ValidationError", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "a", spec: {} });
      await expectValidationError(store.agents.listVersions(tenant.id, agent.id, 0), /limit/);
      await expectValidationError(store.agents.listVersions(tenant.id, agent.id, 1001), /limit/);
      await expectValidationError(store.agents.listVersions(tenant.id, agent.id, 1.5), /limit/);
    });

    it("hides one tenant's versions from another tenant, and a refused update adds none", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: a.id, name: "private", spec: { secret: "sauce" } });
      expect(await store.agents.listVersions(b.id, agent.id, 10)).toEqual([]);
      expect(await store.agents.getVersion(b.id, agent.id, 1)).toBeUndefined();
      await expectNotFound(store.agents.update(b.id, agent.id, { taken: true }, "intruder"));
      expect((await store.agents.listVersions(a.id, agent.id, 10)).map((v) => v.version)).toEqual([1]);
    });

    it("writes the version in the save's transaction: a rolled-back save leaves no version", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "tx", spec: { n: 1 } });
      await expect(
        store.transaction(async (tx) => {
          await tx.agents.update(tenant.id, agent.id, { n: 2 });
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      expect(await store.agents.listVersions(tenant.id, agent.id, 10)).toHaveLength(1);
      expect((await store.agents.get(tenant.id, agent.id))?.spec).toEqual({ n: 1 });
    });

    it("numbers concurrent saves of one agent without gaps or repeats", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "busy", spec: { n: 0 } });
      await Promise.all([1, 2, 3, 4, 5].map((n) => store.agents.update(tenant.id, agent.id, { n })));
      const versions = await store.agents.listVersions(tenant.id, agent.id, 10);
      expect(versions.map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
      const latest = await store.agents.getVersion(tenant.id, agent.id, 6);
      expect(latest?.spec).toEqual((await store.agents.get(tenant.id, agent.id))?.spec);
    });

    it("removing an agent removes its versions; a new agent of that name starts at 1", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "again", spec: {} });
      await store.agents.update(tenant.id, agent.id, { v: 2 });
      await store.agents.remove(tenant.id, agent.id);
      expect(await store.agents.listVersions(tenant.id, agent.id, 10)).toEqual([]);
      const reborn = await store.agents.create({ tenantId: tenant.id, name: "again", spec: { v: 1 } });
      expect((await store.agents.listVersions(tenant.id, reborn.id, 10)).map((v) => v.version)).toEqual([1]);
    });
  });
}
