import type { LightMyRequestResponse } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

/**
 * Visitor sessions: what a public chat key (a web widget's) turns into. Each
 * visitor gets a token for one agent and one conversation; with it, a
 * visitor talks to that agent, reads that conversation as a customer sees it,
 * and nothing else.
 */
let server: ApiServer;
const SITE = "https://panaderia.example";

beforeAll(async () => {
  // Many sessions from one address: the per-address limits are the security suite's to test.
  server = await startApiServer({
    limits: { visitorSessionsPerMinute: 1000, visitorRequestsPerMinute: 1000 },
  });
  const tenantId = server.other.tenant.id;
  await seedDemoAgent(server.store, tenantId);
  await seedDemoAgent(server.store, tenantId, (spec) => ({
    ...spec,
    name: "la-espiga-web",
    widget: { ...spec.widget, enabled: true, origins: [SITE] },
  }));
  await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/florist",
    payload: agentSpec("florist", { widget: { enabled: true } }),
  });
  // An agent for the staff: not on the web, whatever key asks.
  await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/staff-internal",
    payload: agentSpec("staff-internal"),
  });
});
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

function ask(token: string, content: string, extra: Record<string, unknown> = {}, origin?: string) {
  return server.call(token, {
    method: "POST",
    url: "/v1/chat/completions",
    headers: origin ? { origin } : {},
    payload: { model: "agent:la-espiga", messages: [{ role: "user", content }], ...extra },
  });
}

function errorOf(res: LightMyRequestResponse, status: number): { code: string; message: string } {
  expect(res.statusCode, res.body).toBe(status);
  return res.json().error;
}

describe("POST /api/visitor-sessions", () => {
  it("gives a chat key's visitor a token for one agent, with the agent's title and greeting", async () => {
    const res = await server.call(server.other.chat, {
      method: "POST",
      url: "/api/visitor-sessions",
      payload: { agent: "la-espiga", language: "en" },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.token).toMatch(/^alv_[\w-]+\.[\w-]+$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    expect(body).toMatchObject({ resumed: false, conversation: null, agent: { name: "la-espiga" } });
    expect(body.agent.greeting).toBeTruthy();
  });

  it("answers 404 for an agent the tenant does not have, and 400 for a malformed body", async () => {
    const call = (payload: unknown) =>
      server.call(server.other.chat, {
        method: "POST",
        url: "/api/visitor-sessions",
        payload: payload as object,
      });
    errorOf(await call({ agent: "nobody" }), 404);
    errorOf(await call({}), 400);
    errorOf(await call({ agent: "la-espiga", resume: "x".repeat(5000) }), 400);
  });
});

describe("a visitor token", () => {
  it("talks to its agent in its own conversation, and the customer's `user` cannot pick another's", async () => {
    const ana = await server.openVisitor(server.other.chat, "la-espiga");
    const eve = await server.openVisitor(server.other.chat, "la-espiga");
    expect(ana.visitorId).not.toBe(eve.visitorId);
    const first = await ask(ana.token, "¿A qué hora abrís el domingo?");
    expect(first.statusCode, first.body).toBe(200);
    const conversationId = first.json().choices[0].alambique.conversation_id;
    const stored = await server.store.conversations.get(server.other.tenant.id, conversationId);
    expect(stored?.externalUserId).toBe(ana.externalUserId);

    // Eve names Ana (by her visitor id, by her stored id): her message still lands in her own conversation.
    for (const user of [ana.visitorId, ana.externalUserId, `visitor:${ana.visitorId}`]) {
      const res = await ask(eve.token, "¿qué preguntó la otra clienta?", { user });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().choices[0].alambique.conversation_id).not.toBe(conversationId);
    }
    const anas = await server.store.messages.list(conversationId);
    expect(anas.map((m) => m.content).join(" ")).not.toContain("otra clienta");
  });

  it("reads its conversation as the customer sees it: no tool traces, no paths, the staff's name", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const answered = await ask(visitor.token, "¿Hacéis envíos a Benimaclet?");
    const id = answered.json().choices[0].alambique.conversation_id as string;
    await server.store.messages.append({
      conversationId: id,
      role: "tool",
      content: '{"error":"401 from https://internal.example/orders?token=s3cr3t"}',
      metadata: { toolName: "order_status", input: { order: "LE-1001" } },
    });
    await server.call(server.other.admin, {
      method: "POST",
      url: `/api/conversations/${id}/reply`,
      payload: { text: "Hola, soy Marta.", staff: "Marta" },
    });
    const res = await server.call(visitor.token, { url: "/api/visitor-sessions/current" });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.conversation).toEqual({ id, status: "human" });
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "human"]);
    expect(body.messages[2]).toMatchObject({ content: "Hola, soy Marta.", staff: "Marta" });
    expect(res.body).not.toContain("s3cr3t");
    expect(res.body).not.toContain("order_status");
    expect(res.body).not.toContain("metadata");
    for (const source of body.messages[1].sources) expect(source).not.toMatch(/[\\/]/);
  });

  it("is refused everything else: catalog models, other agents, listings, the admin API", async () => {
    const { token } = await server.openVisitor(server.other.chat, "la-espiga");
    const model = (name: string) =>
      server.call(token, {
        method: "POST",
        url: "/v1/chat/completions",
        payload: { model: name, messages: [{ role: "user", content: "hi" }] },
      });
    expect(errorOf(await model("instant"), 403).code).toBe("model_not_allowed");
    expect(errorOf(await model("agent:florist"), 403).code).toBe("model_not_allowed");
    for (const url of ["/v1/models", "/api/conversations", "/api/agents", "/api/keys", "/api/tenant"]) {
      expect(errorOf(await server.call(token, { url }), 403).code).toBe("insufficient_scope");
    }
    const embeddings = await server.call(token, {
      method: "POST",
      url: "/v1/embeddings",
      payload: { model: "instant", input: "x" },
    });
    errorOf(embeddings, 403);
    // A visitor cannot mint sessions for others either.
    const minted = await server.call(token, {
      method: "POST",
      url: "/api/visitor-sessions",
      payload: { agent: "la-espiga" },
    });
    errorOf(minted, 403);
  });

  it("expires, and resumes the same conversation from the expired token (a new visitor from a foreign one)", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const first = await ask(visitor.token, "¿tenéis pan sin gluten?");
    const conversationId = first.json().choices[0].alambique.conversation_id;

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    const expired = await ask(visitor.token, "hola otra vez");
    expect(errorOf(expired, 401).message).toMatch(/expired/);

    const resumed = await server.openVisitor(server.other.chat, "la-espiga", { resume: visitor.token });
    expect(resumed.visitorId).toBe(visitor.visitorId);
    const again = await ask(resumed.token, "¿y el domingo?");
    expect(again.json().choices[0].alambique.conversation_id).toBe(conversationId);

    // A token for another agent, or a forged one, does not carry its visitor over.
    const florist = await server.openVisitor(server.other.chat, "florist");
    const elsewhere = await server.openVisitor(server.other.chat, "la-espiga", { resume: florist.token });
    expect(elsewhere.visitorId).not.toBe(florist.visitorId);
    const forged = `${visitor.token.slice(0, -4)}AAAA`;
    expect((await server.openVisitor(server.other.chat, "la-espiga", { resume: forged })).visitorId).not.toBe(
      visitor.visitorId,
    );
    // Resumed again and again, a visitor still ends 90 days after it began.
    let chain = resumed.token;
    for (let day = 20; day <= 100; day += 20) {
      vi.setSystemTime(Date.now() + 20 * 24 * 3_600_000);
      const next = await server.openVisitor(server.other.chat, "la-espiga", { resume: chain });
      if (day < 90) expect(next.visitorId, `day ${day}`).toBe(visitor.visitorId);
      else expect(next.visitorId, `day ${day}`).not.toBe(visitor.visitorId);
      chain = next.token;
    }
    // Long gone: a new visitor.
    vi.setSystemTime(Date.now() + 40 * 24 * 3_600_000);
    const late = await server.openVisitor(server.other.chat, "la-espiga", { resume: resumed.token });
    expect(late.visitorId).not.toBe(visitor.visitorId);
  });

  it("is refused when changed, when its chat key is revoked, or from another tenant's key", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const [body, signature] = visitor.token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body.slice(4), "base64url").toString());
    const tampered = `alv_${Buffer.from(JSON.stringify({ ...claims, visitorId: "A".repeat(22) })).toString("base64url")}.${signature}`;
    expect(errorOf(await ask(tampered, "hola"), 401).code).toBe("invalid_api_key");
    errorOf(await ask(`${body}.`, "hola"), 401);
    // Other spellings of the same signature (base64url decoding is lenient) are refused too.
    errorOf(await ask(`${visitor.token}=`, "hola"), 401);
    errorOf(await ask(`${visitor.token}!!`, "hola"), 401);

    const made = await server.store.apiKeys.create({
      tenantId: server.other.tenant.id,
      name: "old widget",
      scopes: ["chat"],
    });
    const doomed = await server.openVisitor(made.secret, "la-espiga");
    expect((await ask(doomed.token, "hola")).statusCode).toBe(200);
    await server.store.apiKeys.revoke(server.other.tenant.id, made.key.id);
    errorOf(await ask(doomed.token, "hola"), 401);

    // The operator's chat key opens nothing of the other tenant.
    const foreign = await server.call(server.operator.chat, {
      method: "POST",
      url: "/api/visitor-sessions",
      payload: { agent: "la-espiga" },
    });
    errorOf(foreign, 404);
  });
});

describe("an agent's widget origins", () => {
  it("opens sessions only from listed pages, and the token works only from the page it was opened on", async () => {
    const open = (origin?: string) =>
      server.call(server.other.chat, {
        method: "POST",
        url: "/api/visitor-sessions",
        headers: origin ? { origin } : {},
        payload: { agent: "la-espiga-web" },
      });
    expect(errorOf(await open("https://evil.example"), 403).code).toBe("origin_not_allowed");
    expect(errorOf(await open(), 403).code).toBe("origin_not_allowed");
    const granted = await open(SITE);
    expect(granted.statusCode, granted.body).toBe(201);
    const token = granted.json().token;
    const turn = (origin?: string) =>
      server.call(token, {
        method: "POST",
        url: "/v1/chat/completions",
        headers: origin ? { origin } : {},
        payload: { model: "agent:la-espiga-web", messages: [{ role: "user", content: "hola" }] },
      });
    expect((await turn(SITE)).statusCode).toBe(200);
    errorOf(await turn("https://evil.example"), 401);
    errorOf(await turn(), 401);
  });

  it("applies the agent's widget settings as they are now to sessions already open", async () => {
    const put = (widget: Record<string, unknown>) =>
      server.call(server.other.admin, {
        method: "PUT",
        url: "/api/agents/florist",
        payload: agentSpec("florist", { widget }),
      });
    const { token } = await server.openVisitor(server.other.chat, "florist");
    const read = (origin?: string) =>
      server.call(token, { url: "/api/visitor-sessions/current", headers: origin ? { origin } : {} });
    expect((await read()).statusCode).toBe(200);
    await put({ enabled: true, origins: [SITE] });
    errorOf(await read("https://evil.example"), 401);
    await put({ enabled: false });
    errorOf(await read(), 401);
    const turn = await server.call(token, {
      method: "POST",
      url: "/v1/chat/completions",
      payload: { model: "agent:florist", messages: [{ role: "user", content: "hola" }] },
    });
    errorOf(turn, 401);
    await put({ enabled: true });
    expect((await read()).statusCode).toBe(200);
  });

  it("refuses a spec whose origins are not origins", async () => {
    const res = await server.call(server.other.admin, {
      method: "PUT",
      url: "/api/agents/bad-widget",
      payload: agentSpec("bad-widget", {
        widget: { origins: ["https://shop.example/page", "javascript:x"] },
      }),
    });
    expect(res.statusCode, res.body).toBe(400);
  });
});

describe("what the widget is told when a session opens", () => {
  it("offers the FAQ's first questions in the visitor's language, sources on, links to the agent's sites", async () => {
    const open = async (agent: string, language: string) => {
      const res = await server.call(server.other.chat, {
        method: "POST",
        url: "/api/visitor-sessions",
        headers: agent === "la-espiga-web" ? { origin: SITE } : {},
        payload: { agent, language },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().widget;
    };
    expect(await open("la-espiga", "es")).toEqual({
      quickReplies: [
        "¿Puedo reservar pan para que no se agote?",
        "¿Tenéis wifi para clientes?",
        "¿Se puede entrar con perro?",
      ],
      showSources: true,
      linkHosts: [],
    });
    expect((await open("la-espiga", "en")).quickReplies).toEqual([
      "Can I reserve bread so it doesn't sell out?",
      "Do you have wifi?",
      "Can I bring my dog?",
    ]);
    expect((await open("la-espiga-web", "en")).linkHosts).toEqual(["panaderia.example"]);
  });

  it("takes the spec's quick replies (per language, or none), its link domains and its sources switch", async () => {
    const put = await server.call(server.other.admin, {
      method: "PUT",
      url: "/api/agents/florist",
      payload: agentSpec("florist", {
        languages: ["es", "en"],
        widget: {
          enabled: true,
          quickReplies: { es: ["¿Hacéis ramos de novia?", "Horario"], en: ["Bridal bouquets?"] },
          showSources: false,
          linkDomains: ["floristeria.example"],
        },
      }),
    });
    expect(put.statusCode, put.body).toBe(200);
    const open = (language: string) =>
      server.call(server.other.chat, {
        method: "POST",
        url: "/api/visitor-sessions",
        payload: { agent: "florist", language },
      });
    expect((await open("en")).json().widget).toEqual({
      quickReplies: ["Bridal bouquets?"],
      showSources: false,
      linkHosts: ["floristeria.example"],
    });
    expect((await open("fr")).json().widget.quickReplies).toEqual(["¿Hacéis ramos de novia?", "Horario"]);
    const bad = await server.call(server.other.admin, {
      method: "PUT",
      url: "/api/agents/florist",
      payload: agentSpec("florist", { widget: { linkDomains: ["https://evil.example/x"] } }),
    });
    expect(errorOf(bad, 400).message).toMatch(/host name/);
    await server.call(server.other.admin, {
      method: "PUT",
      url: "/api/agents/florist",
      payload: agentSpec("florist", { widget: { enabled: true } }),
    });
  });
});

describe("answers as the customer reads them", () => {
  it("have no citation markers or file names, and name their sources by title", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const turn = await ask(visitor.token, "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?");
    const stored = await server.store.messages.list(turn.json().choices[0].alambique.conversation_id);
    expect(stored[1]!.content).toMatch(/\[S1\]/);
    const res = await server.call(visitor.token, { url: "/api/visitor-sessions/current" });
    const answer = res.json().messages[1];
    expect(answer.role).toBe("assistant");
    expect(answer.content).not.toMatch(/\[S\d|\.html|\.md\b|\.json|\.csv/);
    expect(answer.content).toMatch(/Benimaclet/);
    expect(answer.sources.length).toBeGreaterThan(0);
    for (const title of answer.sources) expect(title).not.toMatch(/\.(html|md|json|csv|txt)$|[\\/]/);
    expect(answer.feedback).toBeNull();
  });
});

describe("POST /api/visitor-sessions/current/messages/:id/feedback", () => {
  const rate = (token: string, id: string, payload: unknown, origin?: string) =>
    server.call(token, {
      method: "POST",
      url: `/api/visitor-sessions/current/messages/${id}/feedback`,
      headers: origin ? { origin } : {},
      payload: payload as object,
    });

  it("stores the visitor's thumbs on an answer, shows it back, and takes it back", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const turn = await ask(visitor.token, "¿A qué hora abrís el domingo?");
    const { conversation_id: conversationId, message_id: answerId } = turn.json().choices[0].alambique;
    const up = await rate(visitor.token, answerId, { rating: "up" });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toEqual({ id: answerId, feedback: "up" });
    expect((await server.store.messages.list(conversationId))[1]).toMatchObject({
      id: answerId,
      feedback: "up",
    });
    expect((await rate(visitor.token, answerId, { rating: "down" })).json().feedback).toBe("down");
    const read = await server.call(visitor.token, { url: "/api/visitor-sessions/current" });
    expect(read.json().messages[1]).toMatchObject({ id: answerId, feedback: "down" });
    // The business reads it on the conversation, with the answer.
    const desk = await server.call(server.other.admin, { url: `/api/conversations/${conversationId}` });
    expect(desk.json().messages[1]).toMatchObject({ id: answerId, role: "assistant", feedback: "down" });
    expect((await rate(visitor.token, answerId, { rating: null })).json()).toEqual({
      id: answerId,
      feedback: null,
    });
    expect((await server.store.messages.list(conversationId))[1]!.feedback).toBeUndefined();
  });

  it("rates only the agent's answers of the visitor's own conversation", async () => {
    const ana = await server.openVisitor(server.other.chat, "la-espiga");
    const eve = await server.openVisitor(server.other.chat, "la-espiga");
    const anas = (await ask(ana.token, "¿Tenéis pan de centeno?")).json().choices[0].alambique;
    await ask(eve.token, "hola");
    const [question] = await server.store.messages.list(anas.conversation_id);
    expect(errorOf(await rate(eve.token, anas.message_id, { rating: "down" }), 404).code).toBe("not_found");
    expect(errorOf(await rate(ana.token, question!.id, { rating: "up" }), 404).code).toBe("not_found");
    errorOf(await rate(ana.token, "no-such-message", { rating: "up" }), 404);
    // A visitor with no conversation yet has nothing to rate.
    const fresh = await server.openVisitor(server.other.chat, "la-espiga");
    errorOf(await rate(fresh.token, anas.message_id, { rating: "up" }), 404);
    // Malformed: a rating that is not one, extra fields; and an admin key is told to use the desk.
    errorOf(await rate(ana.token, anas.message_id, { rating: "meh" }), 400);
    errorOf(await rate(ana.token, anas.message_id, { rating: "up", conversationId: "x" }), 400);
    errorOf(await rate(ana.token, anas.message_id, {}), 400);
    errorOf(await rate(server.other.admin, anas.message_id, { rating: "up" }), 400);
    expect((await server.store.messages.list(anas.conversation_id)).every((m) => !m.feedback)).toBe(true);
  });

  it("keeps thumbs down beyond the visitor's daily cap, unannounced, but marks them not to teach", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga");
    const questions = [
      "¿abrís el lunes?",
      "¿y el martes?",
      "¿hacéis envíos?",
      "¿tenéis pan?",
      "¿y tartas?",
      "¿aceptáis tarjeta?",
    ];
    const answers: string[] = [];
    for (const question of questions)
      answers.push((await ask(visitor.token, question)).json().choices[0].alambique.message_id);
    const conversationId = (await server.call(visitor.token, { url: "/api/visitor-sessions/current" })).json()
      .conversation.id;
    for (const id of answers) {
      const res = await rate(visitor.token, id, { rating: "down" });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ id, feedback: "down" });
    }
    // Rating an answer already counted again is no new weight, and no new refusal.
    expect((await rate(visitor.token, answers[0]!, { rating: "down" })).statusCode).toBe(200);
    const stored = (await server.store.messages.list(conversationId)).filter((m) => answers.includes(m.id));
    expect(stored.map((m) => m.feedback)).toEqual(Array(6).fill("down"));
    expect(stored.map((m) => m.metadata.feedbackCapped === true)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    // Taken back or turned up, the mark goes with it.
    await rate(visitor.token, answers[5]!, { rating: "up" });
    expect(
      (await server.store.messages.list(conversationId)).find((m) => m.id === answers[5])!.metadata
        .feedbackCapped,
    ).toBeUndefined();
  });

  it("is refused from another site when the agent lists its origins", async () => {
    const visitor = await server.openVisitor(server.other.chat, "la-espiga-web", { origin: SITE });
    const turn = await server.call(visitor.token, {
      method: "POST",
      url: "/v1/chat/completions",
      headers: { origin: SITE },
      payload: { model: "agent:la-espiga-web", messages: [{ role: "user", content: "¿abrís el lunes?" }] },
    });
    const id = turn.json().choices[0].alambique.message_id;
    errorOf(await rate(visitor.token, id, { rating: "up" }, "https://evil.example"), 401);
    expect((await rate(visitor.token, id, { rating: "up" }, SITE)).statusCode).toBe(200);
  });
});
