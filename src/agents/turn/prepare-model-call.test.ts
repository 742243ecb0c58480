import { tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { createCitationNumbering } from "../tools/citation-numbering.js";
import type { PendingConfirmation } from "../tools/confirmation.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { prepareModelCall } from "./prepare-model-call.js";
import { retrieve } from "./retrieve.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld();
});
afterAll(async () => world?.close());

const ran: unknown[] = [];
const tools = async () => ({
  place_order: tool({
    description: "Places an order.",
    inputSchema: z.object({ item: z.string() }),
    execute: async (input) => {
      ran.push(input);
      return { ok: true, order: "A1" };
    },
  }),
});
const pending: PendingConfirmation[] = [
  {
    toolName: "place_order",
    args: { item: "tarta de queso" },
    summary: "place_order with item = tarta de queso",
    requestedAt: "2026-12-02T10:00:00.000Z",
  },
];

async function prepare(message: string, extra: Partial<Parameters<typeof prepareModelCall>[0]> = {}) {
  const { hits } = await retrieve(createRetriever({ store: world.store }), world.agent, message);
  return prepareModelCall({
    spec: world.spec,
    language: "es",
    hits,
    history: [],
    message,
    contextTokens: 4096,
    now: new Date("2026-12-02T10:30:00Z"),
    pending: [],
    confirmed: false,
    tools,
    ...extra,
  });
}

describe("prepareModelCall", () => {
  it("gives the model the passages with citation ids, the customer's message and the tools", async () => {
    const call = await prepare("¿cuánto cuesta la tarta de queso?");
    expect(call.system).toContain("[S1]");
    expect(call.system).toContain("18 euros");
    expect(call.messages.at(-1)).toEqual({ role: "user", content: "¿cuánto cuesta la tarta de queso?" });
    expect(Object.keys(call.tools)).toEqual(["place_order"]);
    expect(call.numbering.cited()[0]).toMatchObject({ id: "S1" });
    expect(call.confirmedCalls).toEqual([]);
  });

  it("numbers passages on from the caller's numbering, so S1 means one passage for a whole conversation", async () => {
    const numbering = createCitationNumbering();
    const first = await prepare("¿cuánto cuesta la tarta de queso?", { numbering });
    const second = await prepare("¿dónde se recogen los pedidos?", { numbering });
    const ids = (call: typeof first) => call.numbering.cited().map((c) => c.id);
    expect(second.numbering).toBe(first.numbering);
    expect(new Set(ids(second)).size).toBe(ids(second).length);
    expect(ids(second).length).toBeGreaterThanOrEqual(ids(first).length);
  });

  it("runs the calls a yes confirmed before the model, and shows it their results", async () => {
    ran.length = 0;
    const call = await prepare("sí", { pending, confirmed: true, confirmedIdPrefix: "confirmed-3" });
    expect(ran).toEqual([{ item: "tarta de queso" }]);
    expect(call.confirmedCalls).toEqual([
      { name: "place_order", input: { item: "tarta de queso" }, output: { ok: true, order: "A1" } },
    ]);
    expect(call.confirmedMessages.map((m) => m.role)).toEqual(["assistant", "tool"]);
    expect(JSON.stringify(call.confirmedMessages)).toContain('"toolCallId":"confirmed-3-1"');
    expect(call.messages.slice(-2)).toEqual(call.confirmedMessages);
  });

  it("runs nothing when the customer did not say yes", async () => {
    ran.length = 0;
    const call = await prepare("mejor no", { pending, confirmed: false });
    expect(ran).toEqual([]);
    expect(call.confirmedMessages).toEqual([]);
  });
});
