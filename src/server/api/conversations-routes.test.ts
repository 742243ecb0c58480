import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation } from "../../spec/store.js";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
let viaWidget: Conversation;
let waiting: Conversation;
let closed: Conversation;

beforeAll(async () => {
  server = await startApiServer();
  const { store, other } = server;
  const tenantId = other.tenant.id;
  const agent = await store.agents.create({
    tenantId,
    name: "bakery",
    spec: { name: "bakery", persona: "p" },
  });
  const florist = await store.agents.create({
    tenantId,
    name: "florist",
    spec: { name: "florist", persona: "p" },
  });
  // Started through the chat key, as `/v1` agent models store them.
  viaWidget = await store.conversations.create({
    tenantId,
    agentId: agent.id,
    externalUserId: `key:${other.chatKeyId}:visitor-1`,
  });
  await store.messages.append({ conversationId: viaWidget.id, role: "user", content: "¿Abren el domingo?" });
  await store.messages.append({ conversationId: viaWidget.id, role: "assistant", content: "Sí, de 9 a 14." });
  waiting = await store.conversations.create({
    tenantId,
    agentId: agent.id,
    externalUserId: "phone:+34600000000",
  });
  await store.messages.append({
    conversationId: waiting.id,
    role: "user",
    content: "quiero hablar con una persona",
  });
  waiting = await store.conversations.setStatus(tenantId, waiting.id, "waiting_human");
  closed = await store.conversations.create({ tenantId, agentId: florist.id, externalUserId: "web:2" });
  closed = await store.conversations.setStatus(tenantId, closed.id, "closed");
});
afterAll(() => server.close());

const ids = (res: { json(): unknown }) => (res.json() as { data: { id: string }[] }).data.map((c) => c.id);

function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  return (res.json() as { error: { code: string; param: string | null } }).error;
}

describe("GET /api/conversations", () => {
  it("lists the tenant's conversations for an admin key, filtered by agent and status", async () => {
    const { admin } = server.other;
    expect(ids(await server.call(admin, { url: "/api/conversations" }))).toEqual([
      viaWidget.id,
      waiting.id,
      closed.id,
    ]);
    expect(ids(await server.call(admin, { url: "/api/conversations?agent=florist" }))).toEqual([closed.id]);
    expect(
      ids(await server.call(admin, { url: "/api/conversations?agent=bakery&status=waiting_human" })),
    ).toEqual([waiting.id]);
    expect(
      expectError(await server.call(admin, { url: "/api/conversations?status=sleeping" }), 400).param,
    ).toBe("status");
    expect(expectError(await server.call(admin, { url: "/api/conversations?agent=nobody" }), 404).param).toBe(
      "agent",
    );
  });

  it("pages with limit and the previous page's next, and refuses a cursor it did not make", async () => {
    const { admin } = server.other;
    const first = (await server.call(admin, { url: "/api/conversations?limit=2" })).json() as {
      data: { id: string }[];
      hasMore: boolean;
      next: string | null;
    };
    expect(first.data.map((c) => c.id)).toEqual([viaWidget.id, waiting.id]);
    expect(first.hasMore).toBe(true);
    const second = (
      await server.call(admin, { url: `/api/conversations?limit=2&after=${first.next}` })
    ).json() as { data: { id: string }[]; hasMore: boolean; next: string | null };
    expect(second).toMatchObject({ hasMore: false, next: null });
    expect(second.data.map((c) => c.id)).toEqual([closed.id]);
    const bad = expectError(await server.call(admin, { url: "/api/conversations?after=bm9wZQ" }), 400);
    expect(bad).toMatchObject({ code: "invalid_cursor", param: "after" });
    expect(expectError(await server.call(admin, { url: "/api/conversations?limit=0" }), 400).param).toBe(
      "limit",
    );
  });

  it("is an admin's: a chat key may neither list nor read conversations, even those of its widget", async () => {
    const { chat } = server.other;
    expectError(await server.call(chat, { url: "/api/conversations" }), 403);
    expectError(await server.call(chat, { url: `/api/conversations/${viaWidget.id}` }), 403);
    expectError(await server.call(chat, { url: `/api/conversations/${waiting.id}` }), 403);
  });
});

describe("query parameters", () => {
  it("refuses one the route does not take with a 400 naming it and the ones it takes", async () => {
    const { admin } = server.other;
    // A typo, or a filter that does not exist, would otherwise answer every conversation.
    const since = expectError(await server.call(admin, { url: "/api/conversations?since=2026-01-01" }), 400);
    expect(since).toMatchObject({ code: "invalid_request", param: "since" });
    const body = (await server.call(admin, { url: "/api/conversations?stauts=closed" })).json() as {
      error: { message: string; param: string };
    };
    expect(body.error.param).toBe("stauts");
    expect(body.error.message).toBe(
      "unknown query parameter `stauts`: this route takes `agent`, `status`, `limit`, `after`",
    );
    expect(
      expectError(await server.call(admin, { url: "/api/handoff-queue?agent=bakery&limit=5" }), 400),
    ).toMatchObject({ param: "limit" });
  });

  it("refuses any on a route that takes none", async () => {
    const res = await server.call(server.other.admin, { url: `/api/conversations/${viaWidget.id}?full=1` });
    const error = expectError(res, 400);
    expect(error.param).toBe("full");
    expect((res.json() as { error: { message: string } }).error.message).toMatch(/takes no query parameters/);
  });
});

describe("GET /api/conversations/:id", () => {
  it("answers the conversation with its messages in order, or 404", async () => {
    const res = await server.call(server.other.admin, { url: `/api/conversations/${viaWidget.id}` });
    const body = res.json();
    expect(body).toMatchObject({ id: viaWidget.id, status: "bot", externalUserId: viaWidget.externalUserId });
    expect(body.messages.map((m: { seq: number; role: string }) => [m.seq, m.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
    ]);
    expectError(await server.call(server.other.admin, { url: "/api/conversations/unknown" }), 404);
  });
});

describe("the human desk", () => {
  it("queues handed-off conversations, takes a person's reply, hands back and closes", async () => {
    const { admin } = server.other;
    expect(ids(await server.call(admin, { url: "/api/handoff-queue" }))).toEqual([waiting.id]);
    expect(ids(await server.call(admin, { url: "/api/handoff-queue?agent=florist" }))).toEqual([]);
    expectError(await server.call(admin, { url: "/api/handoff-queue?agent=nobody" }), 404);

    const reply = await server.call(admin, {
      method: "POST",
      url: `/api/conversations/${waiting.id}/reply`,
      payload: { text: "Hola, soy Marta. ¿En qué te ayudo?", staff: "Marta" },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ role: "human", seq: 2, metadata: { staff: "Marta" } });
    const now = await server.call(admin, { url: `/api/conversations/${waiting.id}` });
    expect(now.json().status).toBe("human");
    expect(ids(await server.call(admin, { url: "/api/handoff-queue" }))).toEqual([]);

    const back = await server.call(admin, {
      method: "POST",
      url: `/api/conversations/${waiting.id}/hand-back`,
    });
    expect(back.json()).toMatchObject({ id: waiting.id, status: "bot" });
    const done = await server.call(admin, { method: "POST", url: `/api/conversations/${waiting.id}/close` });
    expect(done.json()).toMatchObject({ id: waiting.id, status: "closed" });
    const late = await server.call(admin, {
      method: "POST",
      url: `/api/conversations/${waiting.id}/reply`,
      payload: { text: "¿Sigues ahí?", staff: "Marta" },
    });
    expect(expectError(late, 409).code).toBe("conversation_closed");
  });

  it("refuses bad replies (400 with param), unknown ids (404) and chat keys (403)", async () => {
    const { admin, chat } = server.other;
    const url = `/api/conversations/${viaWidget.id}/reply`;
    for (const [payload, param] of [
      [{ text: "   ", staff: "Marta" }, "text"],
      [{ text: "hola" }, "staff"],
      [{ text: 42, staff: "Marta" }, "text"],
    ] as const) {
      expect(expectError(await server.call(admin, { method: "POST", url, payload }), 400).param).toBe(param);
    }
    const malformed = await server.call(admin, {
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      payload: "{",
    });
    expect(expectError(malformed, 400).code).toBe("invalid_json");
    for (const action of ["reply", "hand-back", "close"]) {
      const res = await server.call(admin, {
        method: "POST",
        url: `/api/conversations/nope/${action}`,
        payload: { text: "x", staff: "y" },
      });
      expectError(res, 404);
    }
    const refused = await server.call(chat, {
      method: "POST",
      url,
      payload: { text: "hola", staff: "Marta" },
    });
    expect(expectError(refused, 403).code).toBe("insufficient_scope");
    expect(expectError(await server.call(chat, { url: "/api/handoff-queue" }), 403).code).toBe(
      "insufficient_scope",
    );
  });
});
