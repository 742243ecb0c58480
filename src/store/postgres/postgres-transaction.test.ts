/**
 * What the savepoints of a PostgreSQL transaction are for (postgres-store.ts
 * makes each call's savepoint in the same round trip as BEGIN or as the
 * release of the one before): a call that fails, and is caught, undoes only
 * itself; the calls before and after it commit.
 */
import { expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import { openStore } from "../open-store.js";
import { describePostgres, freshPostgresUrl } from "./postgres-test-server.fixture.js";

describePostgres("postgres store: calls that fail inside a transaction", () => {
  it("undo only themselves, whether they come first, in a row or after successes", async () => {
    const store = await openStore(await freshPostgresUrl("tx"));
    try {
      await store.tenants.create({ slug: "taken", name: "T" });
      const kinds: string[] = [];
      const failing = async (attempt: Promise<unknown>) => {
        const error = await attempt.then(
          () => undefined,
          (e: unknown) => e,
        );
        kinds.push(StoreError.isInstance(error) ? error.kind : String(error));
      };
      const made = await store.transaction(async (tx) => {
        await failing(tx.tenants.create({ slug: "taken", name: "first call" }));
        const a = await tx.tenants.create({ slug: "a", name: "A" });
        await failing(tx.tenants.create({ slug: "taken", name: "after a success" }));
        await failing(tx.tenants.create({ slug: "a", name: "twice in a row" }));
        const b = await tx.tenants.create({ slug: "b", name: "B" });
        const c = await tx.tenants.create({ slug: "c", name: "C" });
        return [a.slug, b.slug, c.slug];
      });
      expect(kinds).toEqual(["unique", "unique", "unique"]);
      expect(made).toEqual(["a", "b", "c"]);
      expect((await store.tenants.list()).map((t) => t.slug).sort()).toEqual(["a", "b", "c", "taken"]);
      // A message appended in a transaction that then fails is gone with it; the next append takes its seq.
      const tenant = (await store.tenants.getBySlug("a"))!;
      const agent = await store.agents.create({ tenantId: tenant.id, name: "bot", spec: { name: "bot" } });
      const conversation = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "ana",
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.messages.append({ conversationId: conversation.id, role: "user", content: "hola" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const kept = await store.messages.append({
        conversationId: conversation.id,
        role: "user",
        content: "¿hola?",
      });
      expect(kept.seq).toBe(1);
    } finally {
      await store.close();
    }
  });
});
