import { generateText, stepCountIs, type ToolSet } from "ai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import type { JsonValue } from "../../spec/json.js";
import { type ScriptStep, scriptedModel } from "./__fixtures__/scripted-model.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { isAffirmative } from "./affirmative-reply.js";
import { buildAgentTools } from "./build-agent-tools.js";
import {
  collectPendingConfirmations,
  createConfirmationGate,
  type PendingConfirmation,
  pendingConfirmationsKey,
  pendingFromHistory,
  readPendingConfirmations,
  runConfirmedCalls,
} from "./confirmation.js";
import { McpConnections } from "./mcp-connections.js";

describe("isAffirmative", () => {
  it.each([
    "sí",
    "Sí, por favor",
    "yes",
    "OK!",
    "vale",
    "dale",
    "claro que sí",
    "oui",
    "ja, gerne",
    "sim",
    "👍",
    "go ahead",
    "de acuerdo",
    "Yes please, do it",
  ])("%s is a yes", (reply) => expect(isAffirmative(reply)).toBe(true));
  it.each([
    "no",
    "No, espera",
    "sí, pero que sean tres",
    "yes but make it three",
    "¿cuánto cuesta?",
    "ok?",
    "",
    "maybe",
    "hmm",
    "non merci",
    "yes I think so but I would like to check the price first",
  ])("%s is not", (reply) => expect(isAffirmative(reply)).toBe(false));
});

describe("createConfirmationGate", () => {
  const now = new Date("2026-03-30T10:00:00Z");
  const pending: PendingConfirmation[] = [
    {
      toolName: "place_order",
      args: { item: "pan", quantity: 2 },
      summary: "…",
      requestedAt: "2026-03-30T09:58:00Z",
    },
  ];

  it("confirms the same call (key order aside) once, after a yes", () => {
    const confirmed = createConfirmationGate({ pending, customerReply: "sí", now });
    expect(confirmed("place_order", { item: "pan", quantity: 3 })).toBe(false);
    expect(confirmed("other_tool", { item: "pan", quantity: 2 })).toBe(false);
    expect(confirmed("place_order", { quantity: 2, item: "pan" })).toBe(true);
    expect(confirmed("place_order", { item: "pan", quantity: 2 })).toBe(false);
  });

  it("confirms nothing after a no, without a reply, or when the question is too old", () => {
    const call: [string, JsonValue] = ["place_order", { item: "pan", quantity: 2 }];
    expect(createConfirmationGate({ pending, customerReply: "no", now })(...call)).toBe(false);
    expect(createConfirmationGate({ pending, customerReply: undefined, now })(...call)).toBe(false);
    const later = new Date("2026-03-30T11:30:00Z");
    expect(createConfirmationGate({ pending, customerReply: "sí", now: later })(...call)).toBe(false);
    expect(
      createConfirmationGate({ pending, customerReply: "whatever", now, accept: () => true })(...call),
    ).toBe(true);
  });

  it("reads back only well-formed pending calls", () => {
    expect(readPendingConfirmations(pending as unknown as JsonValue)).toEqual(pending);
    expect(readPendingConfirmations({ [pendingConfirmationsKey]: pending } as unknown as JsonValue)).toEqual(
      pending,
    );
    expect(readPendingConfirmations([{ toolName: "x" }])).toEqual([]);
    expect(readPendingConfirmations(undefined)).toEqual([]);
  });

  it("forgets a proposal once a person has written after it", () => {
    const proposed = { role: "assistant", metadata: { [pendingConfirmationsKey]: pending } as never };
    const customer = { role: "user", metadata: {} };
    expect(pendingFromHistory([proposed, customer])).toEqual(pending);
    expect(pendingFromHistory([proposed, customer, { role: "human", metadata: {} }, customer])).toEqual([]);
    expect(pendingFromHistory([])).toEqual([]);
  });
});

describe("the confirmation flow across two turns", () => {
  let world: ToolTestWorld;
  let orders: LocalHttpServer;
  let received: string[];
  const mcp = new McpConnections();
  const order = { item: "tarta de queso", quantity: 1 };

  beforeAll(async () => {
    orders = await startLocalHttpServer((_req, res, _index, body) => {
      received.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end('{"orderId":"A-17"}');
    });
  });
  afterAll(async () => {
    await orders.close();
    await mcp.close();
  });
  beforeEach(async () => {
    received = [];
    world = await createToolTestWorld({
      tools: [
        {
          type: "webhook",
          name: "place_order",
          description: "Places a pickup order. Charges the customer's card.",
          url: `${orders.url}/orders`,
          inputSchema: {
            type: "object",
            properties: { item: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
            required: ["item", "quantity"],
          },
          requiresConfirmation: true,
        },
      ],
    });
  });
  afterEach(() => world.close());

  /** What the runtime does around one turn, in the documented order. */
  async function turn(reply: string, script: ScriptStep[], runPendingFirst = false) {
    const { store, conversation, context } = world;
    const history = await store.messages.list(conversation.id);
    const pending = pendingFromHistory(history);
    const now = new Date("2026-03-30T10:00:00Z");
    const confirmed = createConfirmationGate({ pending, customerReply: reply, now });
    const tools: ToolSet = await buildAgentTools(world.spec, { ...context, confirmed }, mcp);
    await store.messages.append({ conversationId: conversation.id, role: "user", content: reply });
    const ran = runPendingFirst ? await runConfirmedCalls(tools, pending) : { outputs: [], messages: [] };
    const model = scriptedModel(script);
    const result = await generateText({
      model,
      tools,
      stopWhen: stepCountIs(4),
      messages: [{ role: "user", content: reply }, ...ran.messages],
    });
    const waiting = collectPendingConfirmations(result.steps, now);
    await store.messages.append({
      conversationId: conversation.id,
      role: "assistant",
      content: result.text,
      metadata: waiting.length > 0 ? { [pendingConfirmationsKey]: waiting as unknown as JsonValue } : {},
    });
    return { result, waiting, ran, model };
  }

  const callOrder: ScriptStep = { toolCalls: [{ toolName: "place_order", input: order }] };

  it("asks first, and runs the same call when the model repeats it after a yes", async () => {
    const first = await turn("Quiero una tarta de queso", [
      callOrder,
      { text: "¿Confirmas una tarta de queso?" },
    ]);
    expect(first.result.steps[0]?.toolResults[0]?.output).toMatchObject({
      status: "needs_confirmation",
      tool: "place_order",
      arguments: order,
      summary: expect.stringContaining('item = "tarta de queso"'),
    });
    expect(first.waiting).toEqual([expect.objectContaining({ toolName: "place_order", args: order })]);
    expect(received).toEqual([]);

    // The model calls it twice after the yes: only one order is placed.
    const second = await turn("sí", [
      { toolCalls: [{ toolName: "place_order", input: order }] },
      callOrder,
      { text: "Hecho: pedido A-17." },
    ]);
    expect(second.result.steps[0]?.toolResults[0]?.output).toEqual({
      status: 200,
      data: { orderId: "A-17" },
    });
    expect(second.result.steps[1]?.toolResults[0]?.output).toMatchObject({ status: "needs_confirmation" });
    expect(received.map((body) => JSON.parse(body))).toEqual([order]);
  });

  it("runs the pending call itself after a yes (runConfirmedCalls), so the model only reports", async () => {
    await turn("Quiero una tarta de queso", [callOrder, { text: "¿Confirmas?" }]);
    const second = await turn("vale", [{ text: "Hecho: pedido A-17." }], true);
    expect(second.ran.outputs).toEqual([{ status: 200, data: { orderId: "A-17" } }]);
    expect(received).toHaveLength(1);
    // The model's prompt shows the call and its result.
    const prompt = JSON.stringify(second.model.prompts[0]);
    expect(prompt).toContain('"type":"tool-call"');
    expect(prompt).toContain("A-17");
  });

  it("does nothing after a no, or when the arguments changed", async () => {
    await turn("Quiero una tarta de queso", [callOrder, { text: "¿Confirmas?" }]);
    const refused = await turn("no, espera", [callOrder, { text: "Vale, no lo pido." }]);
    expect(refused.result.steps[0]?.toolResults[0]?.output).toMatchObject({ status: "needs_confirmation" });
    const changed = await turn("sí", [
      { toolCalls: [{ toolName: "place_order", input: { ...order, quantity: 2 } }] },
      { text: "¿Dos?" },
    ]);
    expect(changed.result.steps[0]?.toolResults[0]?.output).toMatchObject({ status: "needs_confirmation" });
    expect(received).toEqual([]);
  });
});
