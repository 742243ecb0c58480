import { describe, expect, it } from "vitest";
import type { NewModel } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  isoTimePattern,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

const fullModel: NewModel = {
  name: "llama-3.1-8b-instruct-q4",
  source: "hf:bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
  architecture: "llama",
  parameterCount: 8_030_261_248,
  quantization: "Q4_K_M",
  contextLength: 131_072,
  licenseId: "llama3.1",
  licenseUrl: "https://llama.meta.com/llama3_1/license/",
  weightsOpenness: "gated",
  dataOpenness: "closed",
  codeOpenness: "open",
  outputsMayTrain: false,
  metadata: { threads: 1, pricePerMillionTokens: { input: 0.05, output: 0.08 }, conditions: ["attribution"] },
};

const bareModel: NewModel = {
  name: "a-remote-model",
  source: "url:http://127.0.0.1:8000/v1",
  architecture: null,
  parameterCount: null,
  quantization: null,
  contextLength: null,
  licenseId: null,
  licenseUrl: null,
  weightsOpenness: null,
  dataOpenness: null,
  codeOpenness: null,
  outputsMayTrain: null,
  metadata: {},
};

export function describeModelsAndAgents(kit: StoreTestKit): void {
  describe("models", () => {
    it("adds, gets, lists by name and removes, keeping every field", async () => {
      const store = await kit.fresh();
      const full = await store.models.add(fullModel);
      expect(full).toEqual({
        ...fullModel,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: full.createdAt,
      });
      const bare = await store.models.add(bareModel);
      expect(bare).toEqual({
        ...bareModel,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: bare.createdAt,
      });
      const open = await store.models.add({
        ...bareModel,
        name: "m-open",
        outputsMayTrain: true,
        weightsOpenness: "open",
      });
      expect(open.outputsMayTrain).toBe(true);
      expect(await store.models.get(fullModel.name)).toEqual(full);
      expect(await store.models.list()).toEqual([bare, full, open]);
      await store.models.remove(fullModel.name);
      expect(await store.models.get(fullModel.name)).toBeUndefined();
      expect(await store.models.list()).toEqual([bare, open]);
    });

    it("refuses a duplicate name (unique) and values outside the contract (check)", async () => {
      const store = await kit.fresh();
      await store.models.add(bareModel);
      await expectStoreError(store.models.add({ ...fullModel, name: bareModel.name }), "unique");
      await expectStoreError(
        store.models.add({
          ...bareModel,
          name: "x",
          weightsOpenness: "sort-of" as NewModel["weightsOpenness"],
        }),
        "check",
      );
      await expectStoreError(
        store.models.add({ ...bareModel, name: "y", source: null as unknown as string }),
        "not_null",
      );
      expect(await store.models.list()).toHaveLength(1);
    });

    it("returns undefined for an absent model and NotFoundError when removing one", async () => {
      const store = await kit.fresh();
      expect(await store.models.get("nope")).toBeUndefined();
      await expectNotFound(store.models.remove("nope"));
    });
  });

  describe("agents", () => {
    it("creates, gets by id and name, lists, updates and removes", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const spec = { persona: "Amable", knowledge: ["faq.md"], tools: [{ name: "hours", args: {} }] };
      const agent = await store.agents.create({ tenantId: tenant.id, name: "mostrador", spec });
      expect(agent).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        name: "mostrador",
        spec,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: agent.createdAt,
      });
      const second = await store.agents.create({ tenantId: tenant.id, name: "a-second", spec: {} });
      expect(await store.agents.get(tenant.id, agent.id)).toEqual(agent);
      expect(await store.agents.getByName(tenant.id, "mostrador")).toEqual(agent);
      expect(await store.agents.list(tenant.id)).toEqual([agent, second]);

      const updated = await store.agents.update(tenant.id, agent.id, { persona: "Seria" });
      expect(updated).toEqual({
        ...agent,
        spec: { persona: "Seria" },
        updatedAt: expect.stringMatching(isoTimePattern),
      });
      expect(updated.updatedAt >= agent.updatedAt).toBe(true);
      expect(await store.agents.get(tenant.id, agent.id)).toEqual(updated);

      await store.agents.remove(tenant.id, agent.id);
      expect(await store.agents.get(tenant.id, agent.id)).toBeUndefined();
      expect(await store.agents.list(tenant.id)).toEqual([second]);
    });

    it("returns undefined when absent and NotFoundError when updating or removing an absent one", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      expect(await store.agents.get(tenant.id, "nope")).toBeUndefined();
      expect(await store.agents.getByName(tenant.id, "nope")).toBeUndefined();
      await expectNotFound(store.agents.update(tenant.id, "nope", {}));
      await expectNotFound(store.agents.remove(tenant.id, "nope"));
    });

    it("keeps names unique per tenant only", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store);
      await store.agents.create({ tenantId: a.id, name: "helper", spec: {} });
      await expectStoreError(
        store.agents.create({ tenantId: a.id, name: "helper", spec: { v: 2 } }),
        "unique",
      );
      const inB = await store.agents.create({ tenantId: b.id, name: "helper", spec: {} });
      expect(inB.tenantId).toBe(b.id);
      await expectStoreError(
        store.agents.create({ tenantId: "no-such-tenant", name: "x", spec: {} }),
        "foreign_key",
      );
    });

    it("hides one tenant's agents from another tenant", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: a.id, name: "private", spec: { secret: "sauce" } });
      expect(await store.agents.get(b.id, agent.id)).toBeUndefined();
      expect(await store.agents.getByName(b.id, "private")).toBeUndefined();
      expect(await store.agents.list(b.id)).toEqual([]);
      await expectNotFound(store.agents.update(b.id, agent.id, { taken: true }));
      await expectNotFound(store.agents.remove(b.id, agent.id));
      expect(await store.agents.get(a.id, agent.id)).toEqual(agent);
    });

    it("removing an agent removes its conversations and their messages", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "gone", spec: {} });
      const kept = await store.agents.create({ tenantId: tenant.id, name: "kept", spec: {} });
      const conversation = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "u",
      });
      const other = await store.conversations.create({
        tenantId: tenant.id,
        agentId: kept.id,
        externalUserId: "u",
      });
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "hola" });
      await store.agents.remove(tenant.id, agent.id);
      expect(await store.conversations.get(tenant.id, conversation.id)).toBeUndefined();
      expect(await store.messages.list(conversation.id)).toEqual([]);
      expect(await store.conversations.get(tenant.id, other.id)).toEqual(other);
    });
  });
}
