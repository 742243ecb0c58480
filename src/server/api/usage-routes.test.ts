import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
const today = new Date().toISOString().slice(0, 10);
beforeAll(async () => {
  server = await startApiServer();
  await server.store.models.add({
    name: "qwen-small",
    source: "url:http://10.0.0.7:8000/v1",
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: null,
    licenseId: null,
    licenseUrl: null,
    weightsOpenness: null,
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: null,
    metadata: { pricePerMillionInput: 2, pricePerMillionOutput: 10 },
  });
  const tenantId = server.other.tenant.id;
  for (const [name, model] of [
    ["bakery", "qwen-small"],
    ["florist", undefined],
  ] as const) {
    const agent = await server.store.agents.create({
      tenantId,
      name,
      spec: { ...agentSpec(name), ...(model ? { model } : {}) } as never,
    });
    const conversation = await server.store.conversations.create({
      tenantId,
      agentId: agent.id,
      externalUserId: "u",
    });
    for (const [i, mode] of ["model", "model", "handoff"].entries()) {
      await server.store.messages.append({ conversationId: conversation.id, role: "user", content: "?" });
      const answer = await server.store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "!",
        metadata: {
          mode: model ? mode : "retrieval",
          latencyMs: 100,
          usage: { inputTokens: model ? 1000 : 0, outputTokens: model ? 100 : 0 },
        },
      });
      // The bakery's customers liked two answers and not the handoff; the florist's rated one down.
      const rating = model ? (i < 2 ? "up" : "down") : i === 0 ? "down" : null;
      if (rating) await server.store.messages.setFeedback(conversation.id, answer.id, rating);
    }
  }
  await server.store.usage.add(tenantId, today, 3300);
});
afterAll(() => server.close());

describe("GET /api/usage", () => {
  it("counts turns, handoffs, tokens, latency and cost per day, agent and model", async () => {
    const res = await server.call(server.other.admin, { url: "/api/usage?days=3" });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.days).toHaveLength(3);
    expect(body.days.at(-1)).toEqual({ day: today, tokens: 3300 });
    expect(body.since).toBe(body.days[0].day);
    expect(body.truncated).toBe(false);
    expect(body.turns).toEqual([
      {
        day: today,
        agent: "bakery",
        model: "qwen-small",
        turns: 3,
        handoffs: 1,
        inputTokens: 3000,
        outputTokens: 300,
        meanLatencyMs: 100,
        cost: (3000 * 2 + 300 * 10) / 1e6,
      },
      {
        day: today,
        agent: "florist",
        model: null,
        turns: 3,
        handoffs: 0,
        inputTokens: 0,
        outputTokens: 0,
        meanLatencyMs: 100,
        cost: null,
      },
    ]);
  });

  it("counts the answers' thumbs up and down per day, every day of the period", async () => {
    const body = (await server.call(server.other.admin, { url: "/api/usage?days=3" })).json();
    expect(body.ratings).toEqual([
      { day: body.days[0].day, up: 0, down: 0 },
      { day: body.days[1].day, up: 0, down: 0 },
      { day: today, up: 2, down: 2 },
    ]);
  });

  it("shows another tenant only its own, and refuses a window it does not keep", async () => {
    const other = await server.call(server.operator.admin, { url: "/api/usage" });
    expect(other.json().turns).toEqual([]);
    expect(other.json().ratings.every((r: { up: number; down: number }) => r.up + r.down === 0)).toBe(true);
    expect(other.json().days).toHaveLength(7);
    const bad = await server.call(server.other.admin, { url: "/api/usage?days=90" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe("days");
  });
});
