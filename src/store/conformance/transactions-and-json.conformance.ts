import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../spec/json.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { deferred, expectStoreError, seedConversation, sleep } from "./store-test-kit.conformance.js";

function nested(depth: number): JsonValue {
  let value: JsonValue = "bottom";
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { [`level${i}`]: value, n: i } : [i, value, null];
  return value;
}

/** Values a JSON column must give back unchanged. */
const trickyJson: Record<string, JsonValue> = {
  text: 'Panadería — 日本語 🧪 עברית Ελληνικά "quotes" \\back\\slash\n\ttabs',
  controls: "\u0000 nul, \u0007 bell, \u2028 line separator",
  loneSurrogate: "\ud800",
  "": "an empty key",
  "clé ünïcode 🔑": true,
  numbers: [0, -1, 1.5, 0.1, 1e-7, 1e300, -1e300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60],
  empty: { object: {}, array: [], string: "" },
  scalars: [true, false, null],
  deep: nested(40),
};

export function describeTransactionsAndJson(kit: StoreTestKit): void {
  describe("JSON columns", () => {
    it("round-trip unicode, nesting and numbers in every JSON column", async () => {
      const store = await kit.fresh();
      const { tenant, conversation } = await seedConversation(store);
      const agent = await store.agents.create({ tenantId: tenant.id, name: "json", spec: trickyJson });
      expect((await store.agents.get(tenant.id, agent.id))?.spec).toEqual(trickyJson);
      const message = await store.messages.append({
        conversationId: conversation.id,
        role: "tool",
        content: "日本語 🧪",
        metadata: trickyJson,
      });
      expect(await store.messages.list(conversation.id)).toEqual([message]);
      expect(message.metadata).toEqual(trickyJson);
      const model = await store.models.add({
        name: "json-model",
        source: "gguf:/models/ünïcode 🧪.gguf",
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
        metadata: trickyJson,
      });
      expect((await store.models.get(model.name))?.metadata).toEqual(trickyJson);
      for (const payload of [
        trickyJson,
        [1, "two", null],
        "just a string",
        42.5,
        null,
        false,
      ] as JsonValue[]) {
        const job = await store.jobs.enqueue({ kind: "json", payload });
        expect((await store.jobs.get(job.id))?.payload).toEqual(payload);
      }
      await store.jobs.enqueue({ kind: "json-checkpoint", payload: null });
      const running = (await store.jobs.claim({ kinds: ["json-checkpoint"], owner: "w", leaseMs: 60_000 }))!;
      await store.jobs.checkpoint(running.id, "w", trickyJson, 0.5);
      expect((await store.jobs.get(running.id))?.checkpoint).toEqual(trickyJson);
    });
  });

  describe("transactions", () => {
    it("commits every write together and returns the function's value", async () => {
      const store = await kit.fresh();
      const result = await store.transaction(async (tx) => {
        const tenant = await tx.tenants.create({ slug: "in-tx", name: "T" });
        const agent = await tx.agents.create({ tenantId: tenant.id, name: "a", spec: {} });
        expect(await tx.agents.get(tenant.id, agent.id)).toEqual(agent);
        return { tenant, agent };
      });
      expect(await store.tenants.getBySlug("in-tx")).toEqual(result.tenant);
      expect(await store.agents.get(result.tenant.id, result.agent.id)).toEqual(result.agent);
    });

    it("writes nothing when the function throws, and rethrows its error", async () => {
      const store = await kit.fresh();
      const boom = new Error("boom");
      const failed = store.transaction(async (tx) => {
        const tenant = await tx.tenants.create({ slug: "rolled-back", name: "T" });
        await tx.jobs.enqueue({ kind: "k", tenantId: tenant.id, payload: 1 });
        await sleep(1);
        throw boom;
      });
      await expect(failed).rejects.toBe(boom);
      expect(await store.tenants.getBySlug("rolled-back")).toBeUndefined();
      expect(await store.jobs.list()).toEqual([]);
    });

    it("rolls back earlier writes when a later one violates a constraint", async () => {
      const store = await kit.fresh();
      await store.tenants.create({ slug: "taken", name: "T" });
      const failed = store.transaction(async (tx) => {
        await tx.tenants.create({ slug: "first-write", name: "T" });
        await tx.tenants.create({ slug: "taken", name: "again" });
      });
      await expectStoreError(failed, "unique");
      expect(await store.tenants.getBySlug("first-write")).toBeUndefined();
      expect((await store.tenants.list()).map((t) => t.slug)).toEqual(["taken"]);
    });

    it("makes other calls on the store wait until the transaction ends", async () => {
      const store = await kit.fresh();
      const entered = deferred();
      const gate = deferred();
      const transaction = store.transaction(async (tx) => {
        await tx.tenants.create({ slug: "inside", name: "T" });
        entered.resolve();
        await gate.promise;
        throw new Error("roll back after the others queued");
      });
      await entered.promise;
      const events: string[] = [];
      const read = store.tenants.getBySlug("inside").then((tenant) => {
        events.push("read");
        return tenant;
      });
      const write = store.tenants.create({ slug: "outside", name: "T" }).then((tenant) => {
        events.push("write");
        return tenant;
      });
      await sleep(30);
      expect(events).toEqual([]);
      gate.resolve();
      await expect(transaction).rejects.toThrow("roll back");
      // The read waited for the rollback; the write outside the transaction was not rolled back.
      expect(await read).toBeUndefined();
      expect((await write).slug).toBe("outside");
      expect(events).toEqual(["read", "write"]);
      expect((await store.tenants.list()).map((t) => t.slug)).toEqual(["outside"]);
    });

    it("rejects calls on the store itself from inside its transaction instead of waiting forever", async () => {
      const store = await kit.fresh();
      const misuse = store.transaction(async () => {
        await store.tenants.create({ slug: "wrong-handle", name: "W" });
      });
      await expect(misuse).rejects.toThrow(/transaction/);
      expect(await store.tenants.list()).toEqual([]);
    });

    it("rejects a transaction handle used after its transaction ended", async () => {
      const store = await kit.fresh();
      const leaked = await store.transaction(async (tx) => tx);
      await expect(leaked.tenants.create({ slug: "too-late", name: "L" })).rejects.toThrow(/transaction/);
      expect(await store.tenants.list()).toEqual([]);
    });

    it("runs concurrent transactions one after another", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      await Promise.all(
        Array.from({ length: 5 }, (_, n) =>
          store.transaction(async (tx) => {
            await tx.messages.append({ conversationId: conversation.id, role: "user", content: `q${n}` });
            await sleep(2);
            await tx.messages.append({
              conversationId: conversation.id,
              role: "assistant",
              content: `a${n}`,
            });
          }),
        ),
      );
      const contents = (await store.messages.list(conversation.id)).map((m) => m.content);
      expect(contents).toHaveLength(10);
      for (let i = 0; i < 10; i += 2) {
        // Each transaction's two messages are adjacent: none interleaved.
        expect(contents[i + 1]).toBe(`a${contents[i]!.slice(1)}`);
      }
    });
  });
}
