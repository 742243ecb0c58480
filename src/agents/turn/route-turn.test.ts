import { describe, expect, it } from "vitest";
import { agentSpecSchema } from "../../spec/agent.js";
import type { Conversation } from "../../spec/store.js";
import { offTopic, type RouteInput, route, routesBeforeRetrieval } from "./route-turn.js";

const spec = agentSpecSchema.parse({
  name: "shop",
  persona: "A bakery.",
  languages: ["es", "en"],
  handoff: { topics: ["complaints / reclamaciones"], minConfidence: 0.3 },
  guardrails: { allowedTopics: ["bread"] },
});
const conversation = (status: Conversation["status"]): Conversation => ({
  id: "c",
  tenantId: "t",
  agentId: "a",
  externalUserId: "u",
  status,
  createdAt: "",
  updatedAt: "",
});
const turn = (message: string, extra: Partial<RouteInput> = {}): RouteInput => ({
  spec,
  conversation: conversation("bot"),
  message,
  language: "es",
  tooLong: false,
  confirming: false,
  ...extra,
});

describe("route (before retrieval)", () => {
  it("stays silent while a person has the conversation, whatever is asked", () => {
    for (const status of ["waiting_human", "human"] as const) {
      expect(
        route(routesBeforeRetrieval, turn("quiero una persona", { conversation: conversation(status) })),
      ).toEqual({ mode: "human", text: "", status });
    }
  });

  it("asks for a shorter message, hands off on request or topic, and answers small talk, in that order", () => {
    expect(route(routesBeforeRetrieval, turn("hola", { tooLong: true }))?.mode).toBe("too_long");
    const asked = route(routesBeforeRetrieval, turn("quiero hablar con una persona"));
    expect(asked).toMatchObject({ mode: "handoff", status: "waiting_human", handOff: true });
    expect(asked?.meta).toEqual({ handoffReason: "customer_request" });
    expect(route(routesBeforeRetrieval, turn("tengo una reclamación"))?.meta).toEqual({
      handoffReason: "topic:complaints / reclamaciones",
    });
    expect(route(routesBeforeRetrieval, turn("¡Hola!"))?.mode).toBe("small_talk");
    expect(route(routesBeforeRetrieval, turn("¿tenéis pan de centeno?"))).toBeUndefined();
  });

  it("does not take a yes to a proposed call for small talk", () => {
    expect(route(routesBeforeRetrieval, turn("gracias", { confirming: false }))?.mode).toBe("small_talk");
    expect(route(routesBeforeRetrieval, turn("gracias", { confirming: true }))).toBeUndefined();
  });
});

describe("offTopic (after retrieval)", () => {
  it("refuses what is neither an allowed topic nor in the documents, unless it confirms a call", () => {
    expect(offTopic(turn("¿qué opinas del fútbol?", { confidence: 0.1 }))?.mode).toBe("refusal");
    expect(offTopic(turn("¿qué opinas del fútbol?", { confidence: 0.5 }))).toBeUndefined();
    expect(offTopic(turn("¿tenéis bread?", { confidence: 0 }))).toBeUndefined();
    expect(offTopic(turn("sí", { confidence: 0, confirming: true }))).toBeUndefined();
  });
});
