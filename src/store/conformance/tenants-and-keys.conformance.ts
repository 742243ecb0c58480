import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  isoTimePattern,
  seedConversation,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

export function describeTenantsAndKeys(kit: StoreTestKit): void {
  describe("tenants", () => {
    it("creates, gets, lists in creation order and removes", async () => {
      const store = await kit.fresh();
      const rosa = await store.tenants.create({ slug: "panaderia-rosa", name: "Panadería Rosa" });
      expect(rosa).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        slug: "panaderia-rosa",
        name: "Panadería Rosa",
        createdAt: expect.stringMatching(isoTimePattern),
      });
      const second = await store.tenants.create({ slug: "taller-2", name: "Taller" });
      const third = await store.tenants.create({ slug: "a-first-by-name", name: "A" });
      expect(await store.tenants.get(rosa.id)).toEqual(rosa);
      expect(await store.tenants.getBySlug("taller-2")).toEqual(second);
      expect(await store.tenants.list()).toEqual([rosa, second, third]);
      // Ids sort by creation time.
      expect([rosa.id, second.id, third.id].sort()).toEqual([rosa.id, second.id, third.id]);
      await store.tenants.remove(second.id);
      expect(await store.tenants.get(second.id)).toBeUndefined();
      expect(await store.tenants.list()).toEqual([rosa, third]);
    });

    it("returns undefined for absent tenants and NotFoundError when removing one", async () => {
      const store = await kit.fresh();
      expect(await store.tenants.get("no-such-id")).toBeUndefined();
      expect(await store.tenants.getBySlug("nobody")).toBeUndefined();
      await expectNotFound(store.tenants.remove("no-such-id"));
    });

    it("refuses a duplicate slug (unique) and a slug that is not URL-safe (check)", async () => {
      const store = await kit.fresh();
      await store.tenants.create({ slug: "rosa", name: "Rosa" });
      await expectStoreError(store.tenants.create({ slug: "rosa", name: "Other" }), "unique");
      await expectStoreError(store.tenants.create({ slug: "Not Valid!", name: "x" }), "check");
      await expectStoreError(store.tenants.create({ slug: "", name: "x" }), "check");
      await expectStoreError(
        store.tenants.create({ slug: "ok", name: null as unknown as string }),
        "not_null",
      );
      expect(await store.tenants.list()).toHaveLength(1);
    });

    it("removing a tenant removes everything it owns and nothing else", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const other = await seedConversation(store);
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "hola" });
      await store.messages.append({ conversationId: other.conversation.id, role: "user", content: "hi" });
      const { key } = await store.apiKeys.create({ tenantId: tenant.id, name: "k", scopes: ["chat"] });
      const job = await store.jobs.enqueue({ kind: "synth", tenantId: tenant.id, payload: {} });
      const globalJob = await store.jobs.enqueue({ kind: "synth", payload: {} });

      await store.tenants.remove(tenant.id);

      expect(await store.apiKeys.list(tenant.id)).toEqual([]);
      expect(await store.agents.get(tenant.id, agent.id)).toBeUndefined();
      expect(await store.conversations.get(tenant.id, conversation.id)).toBeUndefined();
      expect(await store.messages.list(conversation.id)).toEqual([]);
      expect(await store.jobs.get(job.id)).toBeUndefined();
      expect((await store.jobs.get(globalJob.id))?.id).toBe(globalJob.id);
      expect(await store.agents.get(other.tenant.id, other.agent.id)).toEqual(other.agent);
      expect(await store.messages.list(other.conversation.id)).toHaveLength(1);
      expect(key.tenantId).toBe(tenant.id);
    });
  });

  describe("API keys", () => {
    it("returns the secret once, with a public prefix, and verifies it", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const { key, secret } = await store.apiKeys.create({
        tenantId: tenant.id,
        name: "widget",
        scopes: ["chat"],
      });
      expect(secret).toMatch(/^alq_[A-Za-z0-9_-]{43}$/);
      expect(key).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        name: "widget",
        prefix: secret.slice(0, key.prefix.length),
        scopes: ["chat"],
        createdAt: expect.stringMatching(isoTimePattern),
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(key.prefix.length).toBeGreaterThanOrEqual(8);
      expect(key.prefix.length).toBeLessThan(secret.length / 2);
      const verified = await store.apiKeys.verify(secret);
      expect(verified).toEqual({ ...key, lastUsedAt: expect.stringMatching(isoTimePattern) });
      expect(verified!.lastUsedAt! >= key.createdAt).toBe(true);
      expect((await store.apiKeys.list(tenant.id))[0]?.lastUsedAt).toBe(verified!.lastUsedAt);
    });

    it("gives undefined for wrong, truncated or foreign secrets", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const { key, secret } = await store.apiKeys.create({
        tenantId: tenant.id,
        name: "k",
        scopes: ["admin"],
      });
      const last = secret.at(-1) === "A" ? "B" : "A";
      for (const wrong of [
        secret.slice(0, -1) + last,
        secret.slice(0, -1),
        key.prefix,
        "",
        `${secret} `,
        "Bearer x",
      ]) {
        expect(await store.apiKeys.verify(wrong)).toBeUndefined();
      }
      expect(await store.apiKeys.verify(secret)).toBeDefined();
    });

    it("never hands the secret back: not from list, not from verify", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const { secret } = await store.apiKeys.create({
        tenantId: tenant.id,
        name: "k",
        scopes: ["admin", "chat"],
      });
      const secretBody = secret.slice(12);
      const listed = JSON.stringify(await store.apiKeys.list(tenant.id));
      const verified = JSON.stringify(await store.apiKeys.verify(secret));
      for (const text of [listed, verified]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secretBody);
      }
    });

    it("lists a tenant's keys only, and revoking stops verification", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store);
      const first = await store.apiKeys.create({ tenantId: a.id, name: "one", scopes: ["chat"] });
      const second = await store.apiKeys.create({ tenantId: a.id, name: "two", scopes: ["admin"] });
      const foreign = await store.apiKeys.create({ tenantId: b.id, name: "b", scopes: ["chat"] });
      expect((await store.apiKeys.list(a.id)).map((k) => k.name)).toEqual(["one", "two"]);

      // Another tenant cannot revoke it.
      await expectNotFound(store.apiKeys.revoke(b.id, first.key.id));
      expect(await store.apiKeys.verify(first.secret)).toBeDefined();

      await store.apiKeys.revoke(a.id, first.key.id);
      expect(await store.apiKeys.verify(first.secret)).toBeUndefined();
      expect(await store.apiKeys.verify(second.secret)).toBeDefined();
      expect(await store.apiKeys.verify(foreign.secret)).toBeDefined();
      const revoked = (await store.apiKeys.list(a.id)).find((k) => k.id === first.key.id);
      expect(revoked?.revokedAt).toMatch(isoTimePattern);
      // Revoking again is harmless and keeps the first time.
      await store.apiKeys.revoke(a.id, first.key.id);
      expect((await store.apiKeys.list(a.id)).find((k) => k.id === first.key.id)?.revokedAt).toBe(
        revoked?.revokedAt,
      );
      await expectNotFound(store.apiKeys.revoke(a.id, "no-such-key"));
    });

    it("gets a key by id within its tenant only, revoked or not", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store);
      const made = await store.apiKeys.create({ tenantId: a.id, name: "widget", scopes: ["chat"] });
      expect(await store.apiKeys.get(a.id, made.key.id)).toEqual(made.key);
      expect(await store.apiKeys.get(b.id, made.key.id)).toBeUndefined();
      expect(await store.apiKeys.get(a.id, "no-such-key")).toBeUndefined();
      await store.apiKeys.revoke(a.id, made.key.id);
      expect((await store.apiKeys.get(a.id, made.key.id))?.revokedAt).toMatch(isoTimePattern);
    });

    it("refuses a key for an unknown tenant (foreign_key)", async () => {
      const store = await kit.fresh();
      await expectStoreError(
        store.apiKeys.create({ tenantId: "no-such-tenant", name: "k", scopes: ["chat"] }),
        "foreign_key",
      );
    });
  });
}
