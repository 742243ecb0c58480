import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonValue } from "../../spec/json.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { answerWithMessage } from "./answer-with-message.js";
import { openConversation } from "./open-conversation.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld();
});
afterAll(async () => world?.close());

const stored = async (conversationId: string) =>
  (await world.store.messages.list(conversationId)).map((m) => `${m.seq} ${m.role} ${m.content}`);

describe("answerWithMessage", () => {
  it("holds the customer's message until the answer, then stores both in order", async () => {
    const log = answerWithMessage(world.store, await openConversation(world.store, world.agent, "held"));
    await log.append({ role: "user", content: "¿abrís el domingo?", metadata: {} });
    expect(await stored(log.conversation.id)).toEqual([]);
    const answer = await log.append({
      role: "assistant",
      content: "Sí, de 9 a 14.",
      metadata: { mode: "retrieval" },
    });
    expect(answer).toMatchObject({ seq: 2, role: "assistant" });
    expect(await stored(log.conversation.id)).toEqual([
      "1 user ¿abrís el domingo?",
      "2 assistant Sí, de 9 a 14.",
    ]);
    await log.flush(); // nothing held any more: stores nothing twice
    expect(await stored(log.conversation.id)).toHaveLength(2);
  });

  it("stores the held message alone on flush (no answer stored), and before a status change", async () => {
    const alone = answerWithMessage(world.store, await openConversation(world.store, world.agent, "alone"));
    await alone.append({ role: "user", content: "hola", metadata: {} });
    await alone.flush();
    expect(await stored(alone.conversation.id)).toEqual(["1 user hola"]);

    const handoff = answerWithMessage(
      world.store,
      await openConversation(world.store, world.agent, "handoff"),
    );
    await handoff.append({ role: "user", content: "quiero una persona", metadata: {} });
    await handoff.setStatus("waiting_human");
    expect(await stored(handoff.conversation.id)).toEqual(["1 user quiero una persona"]);
    expect(await handoff.status()).toBe("waiting_human");
  });

  it("still stores the customer's message when the answer cannot be stored, and throws the store's error", async () => {
    const log = answerWithMessage(world.store, await openConversation(world.store, world.agent, "failing"));
    await log.append({ role: "user", content: "¿tenéis sin gluten?", metadata: {} });
    const notJson = { size: 1n } as unknown as Record<string, JsonValue>; // JSON.stringify throws on a BigInt
    await expect(log.append({ role: "assistant", content: "Sí.", metadata: notJson })).rejects.toMatchObject({
      code: "invalid_request",
    });
    expect(await stored(log.conversation.id)).toEqual(["1 user ¿tenéis sin gluten?"]);
  });
});
