import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  expectValidationError,
  isoTimePattern,
  seedConversation,
  seedTenant,
  sleep,
} from "./store-test-kit.conformance.js";

export function describeChannels(kit: StoreTestKit): void {
  describe("channels and their queues", () => {
    it("keeps one channel per agent and kind, scoped to its tenant, secrets as given", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      const other = await seedTenant(store, "other");
      const sealed = Buffer.from([0, 1, 2, 255]);
      const channel = await store.channels.create({
        tenantId: tenant.id,
        agentId: agent.id,
        kind: "telegram",
        settings: { baseUrl: "http://127.0.0.1:1" },
        sealedSecrets: sealed,
      });
      expect(channel.createdAt).toMatch(isoTimePattern);
      expect(channel.sealedSecrets.equals(sealed)).toBe(true);
      expect(await store.channels.get(tenant.id, channel.id)).toEqual(channel);
      expect(await store.channels.get(other.id, channel.id)).toBeUndefined();
      expect(await store.channels.find(channel.id)).toEqual(channel);
      expect(await store.channels.list(tenant.id, { agentId: agent.id })).toEqual([channel]);
      expect(await store.channels.list(other.id)).toEqual([]);
      await expectStoreError(
        store.channels.create({
          tenantId: tenant.id,
          agentId: agent.id,
          kind: "telegram",
          settings: {},
          sealedSecrets: sealed,
        }),
        "unique",
      );
      await expectStoreError(
        store.channels.create({
          tenantId: other.id,
          agentId: agent.id,
          kind: "whatsapp",
          settings: {},
          sealedSecrets: sealed,
        }),
        "foreign_key",
      );
      await expectNotFound(store.channels.remove(other.id, channel.id));
      await store.channels.remove(tenant.id, channel.id);
      expect(await store.channels.find(channel.id)).toBeUndefined();
    });

    it("queues an inbound event once per provider id and hands each claim to one worker", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      const channel = await store.channels.create({
        tenantId: tenant.id,
        agentId: agent.id,
        kind: "whatsapp",
        settings: {},
        sealedSecrets: Buffer.alloc(1),
      });
      const event = { channelId: channel.id, providerMessageId: "wamid.1", payload: { text: "hola" } };
      expect(await Promise.all([store.channels.receive(event), store.channels.receive(event)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      const [first, second] = await Promise.all([
        store.channels.claimInbound({ leaseMs: 60_000, limit: 10 }),
        store.channels.claimInbound({ leaseMs: 60_000, limit: 10 }),
      ]);
      const claimed = [...first!, ...second!];
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        providerMessageId: "wamid.1",
        payload: { text: "hola" },
        attempts: 1,
      });
      await store.channels.finishInbound(claimed[0]!.id);
      expect(await store.channels.receive(event)).toBe(false);
      expect(await store.channels.claimInbound({ leaseMs: 60_000, limit: 10 })).toEqual([]);
      await expectNotFound(store.channels.finishInbound("nope"));
      await expectValidationError(store.channels.claimInbound({ leaseMs: 0, limit: 1 }), /leaseMs/);
    });

    it("gives an event back to the queue when its lease runs out", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      const channel = await store.channels.create({
        tenantId: tenant.id,
        agentId: agent.id,
        kind: "telegram",
        settings: {},
        sealedSecrets: Buffer.alloc(1),
      });
      await store.channels.receive({ channelId: channel.id, providerMessageId: "7", payload: {} });
      expect(await store.channels.claimInbound({ leaseMs: 30, limit: 1 })).toHaveLength(1);
      expect(await store.channels.claimInbound({ leaseMs: 30, limit: 1 })).toHaveLength(0);
      await sleep(60);
      expect((await store.channels.claimInbound({ leaseMs: 30, limit: 1 }))[0]?.attempts).toBe(2);
    });

    it("queues outbound messages once per idempotency key, retries when due, settles", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      const channel = await store.channels.create({
        tenantId: tenant.id,
        agentId: agent.id,
        kind: "telegram",
        settings: {},
        sealedSecrets: Buffer.alloc(1),
      });
      const input = { channelId: channel.id, idempotencyKey: "answer:1", payload: { text: "hola" } };
      const queued = await store.channels.enqueueOutbound(input);
      expect(await store.channels.enqueueOutbound({ ...input, payload: { text: "other" } })).toEqual(queued);
      const [claimed] = await store.channels.claimOutbound({ leaseMs: 60_000, limit: 5 });
      expect(claimed).toMatchObject({ id: queued.id, attempts: 1, status: "queued" });
      expect(await store.channels.claimOutbound({ leaseMs: 60_000, limit: 5 })).toEqual([]);
      const retry = await store.channels.settleOutbound(queued.id, {
        retryAt: new Date(Date.now() + 40).toISOString(),
        error: "429",
      });
      expect(retry).toMatchObject({ status: "queued", error: "429" });
      expect(await store.channels.claimOutbound({ leaseMs: 60_000, limit: 5 })).toEqual([]);
      await sleep(60);
      expect((await store.channels.claimOutbound({ leaseMs: 60_000, limit: 5 }))[0]?.attempts).toBe(2);
      const sent = await store.channels.settleOutbound(queued.id, { sent: "msg-9" });
      expect(sent).toMatchObject({ status: "sent", providerMessageId: "msg-9" });
      expect(await store.channels.listOutbound(channel.id, { status: "sent" })).toEqual([sent]);
      await expectNotFound(store.channels.settleOutbound("nope", { failed: "x" }));
    });

    it("counts each channel's queued rows and their oldest, every tenant, idle channels at zero", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedConversation(store);
      const make = (kind: string) =>
        store.channels.create({
          tenantId: tenant.id,
          agentId: agent.id,
          kind,
          settings: {},
          sealedSecrets: Buffer.alloc(1),
        });
      const telegram = await make("telegram");
      const whatsapp = await make("whatsapp");
      expect(await store.channels.queueStats()).toEqual([
        expect.objectContaining({ kind: "telegram", inboundQueued: 0, oldestInboundAt: null }),
        expect.objectContaining({ kind: "whatsapp", outboundQueued: 0, oldestOutboundAt: null }),
      ]);
      await store.channels.receive({ channelId: telegram.id, providerMessageId: "1", payload: {} });
      await store.channels.receive({ channelId: telegram.id, providerMessageId: "2", payload: {} });
      const first = await store.channels.enqueueOutbound({
        channelId: whatsapp.id,
        idempotencyKey: "a:1",
        payload: {},
      });
      await sleep(5);
      const second = await store.channels.enqueueOutbound({
        channelId: whatsapp.id,
        idempotencyKey: "b:1",
        payload: {},
      });
      // Held by a worker or waiting for a retry, a row is still queued; sent or given up, it is not.
      await store.channels.claimOutbound({ leaseMs: 60_000, limit: 5 });
      await store.channels.settleOutbound(second.id, { failed: "400" });
      const [tg, wa] = await store.channels.queueStats();
      expect(tg).toMatchObject({
        channelId: telegram.id,
        tenantId: tenant.id,
        agentId: agent.id,
        agentName: agent.name,
        kind: "telegram",
        inboundQueued: 2,
        outboundQueued: 0,
      });
      expect(tg!.oldestInboundAt).toMatch(isoTimePattern);
      expect(wa).toMatchObject({ kind: "whatsapp", inboundQueued: 0, outboundQueued: 1 });
      expect(wa!.oldestOutboundAt).toBe(first.createdAt);
    });
  });
}
