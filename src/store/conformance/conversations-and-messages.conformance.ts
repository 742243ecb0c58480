import { describe, expect, it } from "vitest";
import type { ConversationStatus, Message, MessageRole } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  isoTimePattern,
  seedConversation,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

export function describeConversationsAndMessages(kit: StoreTestKit): void {
  describe("conversations", () => {
    it("creates in status bot, gets, lists with filters and sets the status", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store, "widget-cookie-1");
      expect(conversation).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "widget-cookie-1",
        status: "bot",
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: conversation.createdAt,
      });
      const otherAgent = await store.agents.create({ tenantId: tenant.id, name: "other", spec: {} });
      const second = await store.conversations.create({
        tenantId: tenant.id,
        agentId: otherAgent.id,
        externalUserId: "+34600000000",
      });
      expect(await store.conversations.get(tenant.id, conversation.id)).toEqual(conversation);

      const handedOff = await store.conversations.setStatus(tenant.id, conversation.id, "waiting_human");
      expect(handedOff).toEqual({
        ...conversation,
        status: "waiting_human",
        updatedAt: expect.stringMatching(isoTimePattern),
      });
      expect(handedOff.updatedAt >= conversation.updatedAt).toBe(true);

      expect((await store.conversations.list(tenant.id)).map((c) => c.id)).toEqual([
        conversation.id,
        second.id,
      ]);
      expect(await store.conversations.list(tenant.id, { agentId: otherAgent.id })).toEqual([second]);
      expect(await store.conversations.list(tenant.id, { status: "waiting_human" })).toEqual([handedOff]);
      expect(
        await store.conversations.list(tenant.id, { agentId: otherAgent.id, status: "waiting_human" }),
      ).toEqual([]);
    });

    it("pages conversations in creation order and by customer prefix, with cursors that need no lookup", async () => {
      const store = await kit.fresh();
      const tenant = await store.tenants.create({ slug: "paged", name: "Paged" });
      const agent = await store.agents.create({ tenantId: tenant.id, name: "a", spec: {} });
      const made = [];
      for (let i = 0; i < 7; i++) {
        made.push(
          await store.conversations.create({
            tenantId: tenant.id,
            agentId: agent.id,
            externalUserId: `${i % 2 === 0 ? "key:1:" : "key:2:"}user-${i}`,
          }),
        );
      }
      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await store.conversations.list(tenant.id, { limit: 3, ...(after ? { after } : {}) });
        seen.push(...page.map((c) => c.id));
        if (page.length < 3) break;
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(made.map((c) => c.id));
      const mine = await store.conversations.list(tenant.id, { externalUserPrefix: "key:1:", limit: 2 });
      expect(mine.map((c) => c.externalUserId)).toEqual(["key:1:user-0", "key:1:user-2"]);
      // A cursor outlives its conversation: the next page starts after where it was.
      const cursor = { createdAt: made[2]!.createdAt, id: made[2]!.id };
      expect(
        (await store.conversations.list(tenant.id, { after: cursor, limit: 1 })).map((c) => c.id),
      ).toEqual([made[3]!.id]);
      expect(await store.conversations.list(tenant.id, { externalUserPrefix: "key:1%", limit: 10 })).toEqual(
        [],
      ); // the prefix is compared as text, not as a LIKE pattern
    });

    it("finds the newest open conversation of a customer with an agent", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation: first } = await seedConversation(store, "ana");
      const second = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "ana",
      });
      await store.conversations.create({ tenantId: tenant.id, agentId: agent.id, externalUserId: "bea" });
      expect(await store.conversations.findOpen(tenant.id, agent.id, "ana")).toEqual(second);
      for (const status of ["waiting_human", "human"] satisfies ConversationStatus[]) {
        await store.conversations.setStatus(tenant.id, second.id, status);
        expect((await store.conversations.findOpen(tenant.id, agent.id, "ana"))?.id).toBe(second.id);
      }
      await store.conversations.setStatus(tenant.id, second.id, "closed");
      expect((await store.conversations.findOpen(tenant.id, agent.id, "ana"))?.id).toBe(first.id);
      await store.conversations.setStatus(tenant.id, first.id, "closed");
      expect(await store.conversations.findOpen(tenant.id, agent.id, "ana")).toBeUndefined();
      expect(await store.conversations.findOpen(tenant.id, agent.id, "nobody")).toBeUndefined();
    });

    it("finds the open conversation with its messages in seq order, as findOpen and list read them", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation: first } = await seedConversation(store, "ana");
      const read = (externalUserId: string, tenantId = tenant.id) =>
        store.conversations.findOpenWithMessages(tenantId, agent.id, externalUserId);
      expect(await read("ana")).toEqual({ conversation: first, messages: [] });
      const metadata = { citations: [{ uri: "faq.md", n: 1 }], note: 'ñ "x"' };
      for (const [role, content] of [
        ["user", "hola"],
        ["assistant", "¡Hola! ¿En qué te ayudo?"],
        ["user", "¿abrís el domingo?"],
      ] satisfies [MessageRole, string][]) {
        await store.messages.append({ conversationId: first.id, role, content, metadata });
      }
      await store.messages.setFeedback(first.id, (await store.messages.list(first.id))[1]!.id, "up");
      const found = await read("ana");
      expect(found).toEqual({
        conversation: await store.conversations.findOpen(tenant.id, agent.id, "ana"),
        messages: await store.messages.list(first.id),
      });
      expect(found?.messages.map((m) => [m.seq, m.role, m.feedback])).toEqual([
        [1, "user", undefined],
        [2, "assistant", "up"],
        [3, "user", undefined],
      ]);
      // The newest open one, none once closed, none for another customer or tenant.
      const second = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "ana",
      });
      expect(await read("ana")).toEqual({ conversation: second, messages: [] });
      expect(await read("ana", (await seedTenant(store)).id)).toBeUndefined();
      await store.conversations.setStatus(tenant.id, second.id, "closed");
      await store.conversations.setStatus(tenant.id, first.id, "closed");
      expect(await read("ana")).toBeUndefined();
      expect(await read("nobody")).toBeUndefined();
    });

    it("scopes conversations to their tenant", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store, "ana");
      const intruder = await seedTenant(store);
      expect(await store.conversations.get(intruder.id, conversation.id)).toBeUndefined();
      expect(await store.conversations.findOpen(intruder.id, agent.id, "ana")).toBeUndefined();
      expect(await store.conversations.list(intruder.id)).toEqual([]);
      await expectNotFound(store.conversations.setStatus(intruder.id, conversation.id, "closed"));
      expect((await store.conversations.get(tenant.id, conversation.id))?.status).toBe("bot");
      // A conversation cannot point at another tenant's agent.
      await expectStoreError(
        store.conversations.create({ tenantId: intruder.id, agentId: agent.id, externalUserId: "x" }),
        "foreign_key",
      );
    });

    it("returns undefined when absent and refuses bad statuses and unknown agents", async () => {
      const store = await kit.fresh();
      const { tenant, conversation } = await seedConversation(store);
      expect(await store.conversations.get(tenant.id, "nope")).toBeUndefined();
      await expectNotFound(store.conversations.setStatus(tenant.id, "nope", "closed"));
      await expectStoreError(
        store.conversations.setStatus(tenant.id, conversation.id, "archived" as ConversationStatus),
        "check",
      );
      await expectStoreError(
        store.conversations.create({ tenantId: tenant.id, agentId: "no-such-agent", externalUserId: "x" }),
        "foreign_key",
      );
    });
  });

  describe("messages", () => {
    it("appends with seq 1, 2, 3… per conversation and lists in seq order", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const other = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "z",
      });
      const roles: MessageRole[] = ["system", "user", "assistant", "tool", "human"];
      const appended = [];
      for (const [index, role] of roles.entries()) {
        appended.push(
          await store.messages.append({ conversationId: conversation.id, role, content: `m${index}` }),
        );
        if (index === 1)
          await store.messages.append({ conversationId: other.id, role: "user", content: "elsewhere" });
      }
      expect(appended.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(appended[0]).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        conversationId: conversation.id,
        seq: 1,
        role: "system",
        content: "m0",
        metadata: {},
        createdAt: expect.stringMatching(isoTimePattern),
      });
      expect(await store.messages.list(conversation.id)).toEqual(appended);
      expect((await store.messages.list(other.id)).map((m) => m.seq)).toEqual([1]);
      expect((await store.messages.list(conversation.id, { afterSeq: 2 })).map((m) => m.seq)).toEqual([
        3, 4, 5,
      ]);
      expect((await store.messages.list(conversation.id, { limit: 2 })).map((m) => m.seq)).toEqual([1, 2]);
      expect(
        (await store.messages.list(conversation.id, { afterSeq: 3, limit: 1 })).map((m) => m.seq),
      ).toEqual([4]);
      expect(await store.messages.list(conversation.id, { afterSeq: 5 })).toEqual([]);
      expect(await store.messages.list("no-such-conversation")).toEqual([]);
    });

    it("appends several messages in order, all or none", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      const first = await store.messages.append({
        conversationId: conversation.id,
        role: "user",
        content: "a",
      });
      expect(await store.messages.appendAll(conversation.id, [])).toEqual([]);
      const both = await store.messages.appendAll(conversation.id, [
        { role: "user", content: "b", metadata: { language: "es" } },
        { role: "assistant", content: "c", metadata: { citations: [{ doc: "faq.md" }] } },
      ]);
      expect(both).toEqual([
        {
          id: expect.stringMatching(uuidV7Pattern),
          conversationId: conversation.id,
          seq: 2,
          role: "user",
          content: "b",
          metadata: { language: "es" },
          createdAt: expect.stringMatching(isoTimePattern),
        },
        expect.objectContaining({
          seq: 3,
          role: "assistant",
          content: "c",
          metadata: { citations: [{ doc: "faq.md" }] },
        }),
      ]);
      expect(await store.messages.list(conversation.id)).toEqual([first, ...both]);
      const touched = await store.conversations.get(conversation.tenantId, conversation.id);
      expect(touched!.updatedAt >= both[1]!.createdAt).toBe(true);
      // The second fails (a role no message may have): the first is not kept either.
      await expectStoreError(
        store.messages.appendAll(conversation.id, [
          { role: "user", content: "d" },
          { role: "robot" as MessageRole, content: "e" },
        ]),
        "check",
      );
      await expectStoreError(
        store.messages.appendAll("nope", [{ role: "user", content: "x" }]),
        "foreign_key",
      );
      expect((await store.messages.list(conversation.id)).map((m) => m.content)).toEqual(["a", "b", "c"]);
      // Interleaved with single appends from elsewhere, each call's messages stay consecutive.
      const mixed = await Promise.all([
        ...Array.from({ length: 6 }, (_, i) =>
          store.messages.appendAll(conversation.id, [
            { role: "user", content: `q${i}` },
            { role: "assistant", content: `r${i}` },
          ]),
        ),
        ...Array.from({ length: 6 }, (_, i) =>
          store.messages.append({ conversationId: conversation.id, role: "human", content: `h${i}` }),
        ),
      ]);
      for (const pair of mixed.slice(0, 6) as Message[][]) expect(pair[1]!.seq).toBe(pair[0]!.seq + 1);
      expect((await store.messages.list(conversation.id)).map((m) => m.seq)).toEqual(
        Array.from({ length: 21 }, (_, i) => i + 1),
      );
    });

    it("gives concurrent appends distinct consecutive seqs", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      const appended = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.messages.append({ conversationId: conversation.id, role: "user", content: `${i}` }),
        ),
      );
      expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      expect((await store.messages.list(conversation.id)).map((m) => m.seq)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    it("keeps metadata and refuses unknown conversations and roles", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      const metadata = {
        citations: [{ doc: "faq.md", chunk: 3 }],
        usage: { inputTokens: 12, outputTokens: 40 },
        latencyMs: 812.5,
      };
      const message = await store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "",
        metadata,
      });
      expect(message.metadata).toEqual(metadata);
      expect(message.content).toBe("");
      await expectStoreError(
        store.messages.append({ conversationId: "nope", role: "user", content: "x" }),
        "foreign_key",
      );
      await expectStoreError(
        store.messages.append({
          conversationId: conversation.id,
          role: "robot" as MessageRole,
          content: "x",
        }),
        "check",
      );
      await expectStoreError(
        store.messages.append({
          conversationId: conversation.id,
          role: "user",
          content: null as unknown as string,
        }),
        "not_null",
      );
      expect(await store.messages.list(conversation.id)).toEqual([message]);
    });
  });
}
