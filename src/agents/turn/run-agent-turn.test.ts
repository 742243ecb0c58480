import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { type ScriptStep, scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { buildAgentTools } from "../tools/build-agent-tools.js";
import { McpConnections } from "../tools/mcp-connections.js";
import { nothingConfirmed } from "../tools/tool-context.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { runAgentTurn } from "./run-agent-turn.js";
import type { TurnDeps } from "./turn-types.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld({ tools: [{ type: "builtin", name: "handoff_to_human" }] });
});
afterAll(async () => world?.close());

function deps(script?: ScriptStep[]) {
  const model = script ? scriptedModel(script) : undefined;
  const seen: (string | null)[] = [];
  const turnDeps: TurnDeps = {
    store: world.store,
    retriever: createRetriever({ store: world.store }),
    model,
    contextTokens: 4096,
    now: () => new Date("2026-12-02T10:30:00Z"),
    tools: async (conversation, cite) => {
      seen.push(conversation?.id ?? null);
      return buildAgentTools(
        world.spec,
        { ...world.context, conversationId: conversation?.id ?? null, confirmed: nothingConfirmed, cite },
        new McpConnections({ name: "turn-test", version: "0" }),
      );
    },
  };
  return { deps: turnDeps, model, seen };
}

describe("runAgentTurn on a conversation the caller holds", () => {
  it("answers from the documents and stores nothing", async () => {
    const before = await world.store.conversations.list(world.tenantId);
    const result = await runAgentTurn(deps().deps, {
      agent: world.agent,
      externalUserId: "api-client",
      message: "¿cuánto cuesta la tarta de queso?",
      conversation: { history: [] },
    });
    expect(result).toMatchObject({ mode: "retrieval", status: "bot", messageId: null });
    expect(result.text).toContain("18 euros");
    expect(result.conversationId).toMatch(/^scratch-/);
    expect(await world.store.conversations.list(world.tenantId)).toEqual(before);
  });

  it("shows the model the history it was given, and gives tools no stored conversation", async () => {
    const {
      deps: turnDeps,
      model,
      seen,
    } = deps([
      { toolCalls: [{ toolName: "handoff_to_human", input: { reason: "quiere hablar con alguien" } }] },
      { text: "Puedes llamarnos a la tienda." },
    ]);
    const result = await runAgentTurn(turnDeps, {
      agent: world.agent,
      externalUserId: "api-client",
      message: "¿y la de chocolate?",
      conversation: {
        history: [
          { role: "user", content: "¿cuánto cuesta la tarta de queso?" },
          { role: "assistant", content: "La tarta de queso cuesta 18 euros." },
        ],
      },
    });
    expect(seen).toEqual([null]);
    const shown = JSON.stringify(model!.prompts[0]);
    expect(shown).toContain("La tarta de queso cuesta 18 euros.");
    expect(shown).toContain("¿y la de chocolate?");
    expect(result.toolCalls[0]).toMatchObject({
      name: "handoff_to_human",
      output: { error: expect.stringContaining("not stored") },
    });
    expect(result).toMatchObject({ mode: "model", status: "bot", messageId: null });
  });

  it("opens and records the customer's stored conversation when the caller holds none", async () => {
    const result = await runAgentTurn(deps().deps, {
      agent: world.agent,
      externalUserId: "stored-customer",
      message: "¿dónde se recogen los pedidos?",
    });
    expect(result.messageId).not.toBeNull();
    const stored = await world.store.messages.list(result.conversationId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});
