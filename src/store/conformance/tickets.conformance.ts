import { describe, expect, it } from "vitest";
import type { Ticket } from "../../spec/knowledge.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  isoTimePattern,
  seedConversation,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

export function describeTickets(kit: StoreTestKit): void {
  describe("tickets", () => {
    it("creates open tickets, gets, lists with filters and sets the status", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const metadata = { phone: "+34 600 000 000", order: "A-17", priority: "high" };
      const ticket = await store.tickets.create({
        tenantId: tenant.id,
        agentId: agent.id,
        conversationId: conversation.id,
        subject: "Tarta sin gluten",
        body: "Quiere encargar una tarta sin gluten para el sábado.",
        metadata,
      });
      expect(ticket).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        agentId: agent.id,
        conversationId: conversation.id,
        subject: "Tarta sin gluten",
        body: "Quiere encargar una tarta sin gluten para el sábado.",
        status: "open",
        metadata,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: ticket.createdAt,
      });
      const other = await store.agents.create({ tenantId: tenant.id, name: "otro", spec: {} });
      const bare = await store.tickets.create({
        tenantId: tenant.id,
        agentId: other.id,
        subject: "s",
        body: "",
      });
      expect(bare.conversationId).toBeNull();
      expect(bare.metadata).toEqual({});
      expect(await store.tickets.get(tenant.id, ticket.id)).toEqual(ticket);

      const closed = await store.tickets.setStatus(tenant.id, ticket.id, "closed");
      expect(closed).toEqual({
        ...ticket,
        status: "closed",
        updatedAt: expect.stringMatching(isoTimePattern),
      });
      expect(closed.updatedAt >= ticket.updatedAt).toBe(true);
      expect(await store.tickets.list(tenant.id)).toEqual([closed, bare]);
      expect(await store.tickets.list(tenant.id, { status: "open" })).toEqual([bare]);
      expect(await store.tickets.list(tenant.id, { agentId: agent.id })).toEqual([closed]);
      expect(await store.tickets.list(tenant.id, { agentId: agent.id, status: "open" })).toEqual([]);
      expect(await store.tickets.setStatus(tenant.id, ticket.id, "open")).toMatchObject({ status: "open" });
    });

    it("scopes tickets to their tenant, agent and conversation", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const intruder = await seedTenant(store);
      const ticket = await store.tickets.create({
        tenantId: tenant.id,
        agentId: agent.id,
        subject: "s",
        body: "b",
      });
      expect(await store.tickets.get(intruder.id, ticket.id)).toBeUndefined();
      expect(await store.tickets.list(intruder.id)).toEqual([]);
      await expectNotFound(store.tickets.setStatus(intruder.id, ticket.id, "closed"));
      expect((await store.tickets.get(tenant.id, ticket.id))?.status).toBe("open");
      await expectStoreError(
        store.tickets.create({ tenantId: intruder.id, agentId: agent.id, subject: "s", body: "b" }),
        "foreign_key",
      );
      // The conversation must be the same agent's, in the same tenant.
      const other = await store.agents.create({ tenantId: tenant.id, name: "otro", spec: {} });
      await expectStoreError(
        store.tickets.create({
          tenantId: tenant.id,
          agentId: other.id,
          conversationId: conversation.id,
          subject: "s",
          body: "b",
        }),
        "foreign_key",
      );
      await expectStoreError(
        store.tickets.create({
          tenantId: tenant.id,
          agentId: agent.id,
          conversationId: "nope",
          subject: "s",
          body: "b",
        }),
        "foreign_key",
      );
      expect(await store.tickets.list(tenant.id)).toEqual([ticket]);
    });

    it("returns undefined when absent and refuses bad statuses and missing fields", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      expect(await store.tickets.get(tenant.id, "nope")).toBeUndefined();
      await expectNotFound(store.tickets.setStatus(tenant.id, "nope", "closed"));
      const ticket = await store.tickets.create({
        tenantId: tenant.id,
        agentId: agent.id,
        subject: "s",
        body: "b",
      });
      await expectStoreError(
        store.tickets.setStatus(tenant.id, ticket.id, "pending" as Ticket["status"]),
        "check",
      );
      await expectStoreError(
        store.tickets.create({
          tenantId: tenant.id,
          agentId: agent.id,
          subject: null as unknown as string,
          body: "b",
        }),
        "not_null",
      );
    });

    it("removing the agent removes its tickets", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const kept = await store.agents.create({ tenantId: tenant.id, name: "kept", spec: {} });
      await store.tickets.create({
        tenantId: tenant.id,
        agentId: agent.id,
        conversationId: conversation.id,
        subject: "s",
        body: "b",
      });
      const survivor = await store.tickets.create({
        tenantId: tenant.id,
        agentId: kept.id,
        subject: "k",
        body: "b",
      });
      await store.agents.remove(tenant.id, agent.id);
      expect(await store.tickets.list(tenant.id)).toEqual([survivor]);
      await store.tenants.remove(tenant.id);
      expect(await store.tickets.get(tenant.id, survivor.id)).toBeUndefined();
    });
  });
}
