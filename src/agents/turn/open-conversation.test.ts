import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { openConversation, scratchConversation } from "./open-conversation.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld();
});
afterAll(async () => world?.close());

describe("openConversation", () => {
  it("opens a conversation for a new customer, then returns it with its history", async () => {
    const first = await openConversation(world.store, world.agent, "ana");
    expect(first.conversation).toMatchObject({ externalUserId: "ana", status: "bot" });
    expect(first.history).toEqual([]);
    await world.store.messages.append({
      conversationId: first.conversation.id,
      role: "user",
      content: "hola",
      metadata: {},
    });
    const again = await openConversation(world.store, world.agent, "ana");
    expect(again.conversation.id).toBe(first.conversation.id);
    expect(again.history.map((m) => m.content)).toEqual(["hola"]);
  });

  it("opens one conversation when the same customer writes twice at once", async () => {
    const both = await Promise.all([
      openConversation(world.store, world.agent, "twice"),
      openConversation(world.store, world.agent, "twice"),
    ]);
    expect(both[0].conversation.id).toBe(both[1].conversation.id);
  });

  it("starts a new conversation after the last one was closed", async () => {
    const { conversation } = await openConversation(world.store, world.agent, "returning");
    await world.store.conversations.setStatus(world.tenantId, conversation.id, "closed");
    const next = await openConversation(world.store, world.agent, "returning");
    expect(next.conversation.id).not.toBe(conversation.id);
    expect(next.history).toEqual([]);
  });
});

describe("scratchConversation", () => {
  it("holds the caller's conversation in memory and stores nothing", async () => {
    const before = await world.store.conversations.list(world.tenantId);
    const log = scratchConversation(world.agent, "api-client", [
      { role: "user", content: "¿hacéis tartas?" },
      { role: "assistant", content: "Sí." },
    ]);
    expect(log.stored).toBe(false);
    expect(log.conversation.id).toMatch(/^scratch-/);
    expect(log.history.map((m) => [m.seq, m.role, m.content])).toEqual([
      [1, "user", "¿hacéis tartas?"],
      [2, "assistant", "Sí."],
    ]);
    const added = await log.append({ role: "user", content: "¿cuánto?", metadata: {} });
    expect(added.seq).toBe(3);
    await log.setStatus("waiting_human");
    expect(await log.status()).toBe("waiting_human");
    expect(log.history).toHaveLength(2);
    expect(await world.store.conversations.list(world.tenantId)).toEqual(before);
  });
});
