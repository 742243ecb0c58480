import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { openConversation } from "./open-conversation.js";
import { recordAnswer } from "./record-answer.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld({ guardrails: { redactPii: true } });
});
afterAll(async () => world?.close());

async function record(customer: string, answer: Parameters<typeof recordAnswer>[0]["answer"]) {
  const log = await openConversation(world.store, world.agent, customer);
  const { conversation } = log;
  const shown: string[] = [];
  const result = await recordAnswer({
    log,
    agent: world.agent,
    language: "es",
    startedAt: performance.now(),
    answer,
    onDelta: (piece) => shown.push(piece),
  });
  return { conversation, result, shown, stored: await world.store.messages.list(conversation.id) };
}

describe("recordAnswer", () => {
  it("stores the answer sanitised, with its mode, citations, tool calls and usage, and shows it", async () => {
    const { result, shown, stored } = await record("ana", {
      mode: "retrieval",
      text: "Abrimos a las 9 <img src=x onerror=alert(1)>.",
      citations: [{ id: "S1", chunkId: "c1", uri: "horarios.md", location: "" }],
    });
    expect(result).toMatchObject({ mode: "retrieval", status: "bot", messageId: stored[0]!.id });
    expect(result.text).not.toContain("onerror");
    expect(shown).toEqual([result.text]);
    expect(stored[0]).toMatchObject({ role: "assistant", content: result.text });
    expect(stored[0]!.metadata).toMatchObject({
      mode: "retrieval",
      language: "es",
      citations: [{ id: "S1", chunkId: "c1", uri: "horarios.md", location: "" }],
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it("does not show again an answer that streamed already", async () => {
    const { shown, stored } = await record("streamed", { mode: "model", text: "Hola.", shown: true });
    expect(shown).toEqual([]);
    expect(stored[0]!.content).toBe("Hola.");
  });

  it("masks personal data in what the tools returned", async () => {
    const { stored } = await record("tools", {
      mode: "model",
      text: "Hecho.",
      toolCalls: [{ name: "find_customer", input: { q: "x" }, output: { email: "ana@example.com" } }],
    });
    expect(JSON.stringify(stored[0]!.metadata.toolCalls)).not.toContain("ana@example.com");
  });

  it("keeps the answer from the customer when a person took the conversation meanwhile", async () => {
    const { conversation } = await openConversation(world.store, world.agent, "taken");
    await world.store.conversations.setStatus(world.tenantId, conversation.id, "human");
    const { result, shown, stored } = await record("taken", { mode: "model", text: "Respuesta tardía." });
    expect(result).toMatchObject({ mode: "human", text: "", status: "human", messageId: null });
    expect(shown).toEqual([]);
    expect(stored).toEqual([]);
  });
});
