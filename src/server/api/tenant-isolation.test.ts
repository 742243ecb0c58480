import { randomBytes } from "node:crypto";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { type ApiServer, agentSpec, startApiServer, type TestTenant } from "./api-server.fixture.js";
import { plantDistillLoop } from "./distill-records.fixture.js";

/**
 * Tenant isolation, as issue 5 requires it: every route the server has is
 * called with another tenant's keys (admin and chat) and the first tenant's
 * names and ids. A route either refuses (403/404) or answers with the
 * caller's own data; no answer ever holds any of the first tenant's, and
 * afterwards the first tenant's data is exactly as it was.
 *
 * The cases are keyed by route; the test enumerates the routes the server
 * really registered, so a route added without a case here fails it.
 */

/** What a tenant has, and the strings that must never reach another tenant. */
interface Holdings {
  keys: TestTenant;
  agentName: string;
  agentId: string;
  sourceId: string;
  conversationId: string;
  widgetConversationId: string;
  /** The agent's answer in the widget conversation, which only its visitor may rate. */
  widgetAnswerId: string;
  /** A visitor token of the tenant's chat key, for its agent: the widget conversation is this visitor's. */
  visitor: string;
  keyIds: string[];
  /** The agent's Telegram channel. */
  channelId: string;
  /** A distillation loop of the agent, paused before promotion. */
  distillJobId: string;
  markers: string[];
}

/** `unsigned`: a provider's webhook, public, refusing any call without the channel's signature (401). */
type Expect = "deny" | "own" | "unsigned";
interface Case {
  expect: Expect;
  request(victim: Holdings): InjectOptions;
  /**
   * A read the victim's own admin key must be answered (2xx): proof that a
   * refusal to the other tenant comes from the tenant check, not from a
   * request that could never have worked.
   */
  control?: boolean;
}

const deny = (request: Case["request"], options: { control?: boolean } = {}): Case => ({
  expect: "deny",
  request,
  ...options,
});
const own = (request: Case["request"]): Case => ({ expect: "own", request });
const unsigned = (request: Case["request"]): Case => ({ expect: "unsigned", request });
const control = { control: true };

const cases: Record<string, Case> = {
  "GET /api/tenant": own(() => ({ url: "/api/tenant" })),
  "POST /api/tenants": own(() => ({
    method: "POST",
    url: "/api/tenants",
    payload: { slug: `made-${Math.random().toString(36).slice(2, 10)}`, name: "Made" },
  })),
  "GET /api/keys": own(() => ({ url: "/api/keys" })),
  "POST /api/keys": own(() => ({
    method: "POST",
    url: "/api/keys",
    payload: { name: "mine", scopes: ["chat"] },
  })),
  "DELETE /api/keys/:id": deny((v) => ({ method: "DELETE", url: `/api/keys/${v.keyIds[0]}` })),
  "GET /api/agents": own(() => ({ url: "/api/agents" })),
  "GET /api/agents/:name": deny((v) => ({ url: `/api/agents/${v.agentName}` }), control),
  // Creates an agent of that name in the caller's own tenant (removed after each run): the victim's is untouched.
  "PUT /api/agents/:name": own((v) => ({
    method: "PUT",
    url: `/api/agents/${v.agentName}`,
    payload: { persona: "An impostor." },
  })),
  "DELETE /api/agents/:name": deny((v) => ({ method: "DELETE", url: `/api/agents/${v.agentName}` })),
  "GET /api/agents/:name/versions": deny((v) => ({ url: `/api/agents/${v.agentName}/versions` }), control),
  "GET /api/agents/:name/versions/:n": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/versions/1` }),
    control,
  ),
  // Another tenant's agent is not found: no call is made in its name.
  "POST /api/agents/:name/tools/test": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/tools/test`,
    payload: { tool: "order_status", arguments: {} },
  })),
  "POST /api/agents/:name/knowledge": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/knowledge`,
    payload: upload(),
  })),
  "GET /api/agents/:name/knowledge": deny((v) => ({ url: `/api/agents/${v.agentName}/knowledge` }), control),
  "GET /api/agents/:name/knowledge/:sourceId/chunks": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/knowledge/${v.sourceId}/chunks` }),
    control,
  ),
  "GET /api/agents/:name/knowledge/search": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/knowledge/search?q=sourdough` }),
    control,
  ),
  "DELETE /api/agents/:name/knowledge/:sourceId": deny((v) => ({
    method: "DELETE",
    url: `/api/agents/${v.agentName}/knowledge/${v.sourceId}`,
  })),
  "GET /api/conversations": own(() => ({ url: "/api/conversations" })),
  "POST /api/visitor-sessions": deny(
    (v) => ({ method: "POST", url: "/api/visitor-sessions", payload: { agent: v.agentName } }),
    control,
  ),
  "GET /api/visitor-sessions/current": own(() => ({ url: "/api/visitor-sessions/current" })),
  // Keys are told to use a visitor token (400), another visitor's answer is not found (404): the victim's
  // answer keeps no rating (the snapshot after the run compares every message, its feedback included).
  "POST /api/visitor-sessions/current/messages/:id/feedback": own((v) => ({
    method: "POST",
    url: `/api/visitor-sessions/current/messages/${v.widgetAnswerId}/feedback`,
    payload: { rating: "down" },
  })),
  "GET /api/conversations/:id": deny(
    (v) => ({ url: `/api/conversations/${v.widgetConversationId}` }),
    control,
  ),
  "POST /api/conversations/:id/reply": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/reply`,
    payload: { text: "I am not who you think", staff: "Mallory" },
  })),
  "POST /api/conversations/:id/hand-back": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/hand-back`,
  })),
  "POST /api/conversations/:id/close": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/close`,
  })),
  "GET /api/handoff-queue": own(() => ({ url: "/api/handoff-queue" })),
  "GET /api/agents/:name/channels": deny((v) => ({ url: `/api/agents/${v.agentName}/channels` }), control),
  "POST /api/agents/:name/channels": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/channels`,
    payload: {
      kind: "whatsapp",
      settings: { phoneNumberId: "1" },
      secrets: { accessToken: "x".repeat(12), appSecret: "y".repeat(12) },
    },
  })),
  "POST /api/agents/:name/channels/:id/test": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/channels/${v.channelId}/test`,
  })),
  "DELETE /api/agents/:name/channels/:id": deny((v) => ({
    method: "DELETE",
    url: `/api/agents/${v.agentName}/channels/${v.channelId}`,
  })),
  // A key opens nothing here: only the provider's signature does.
  "GET /channels/:channelId/webhook": unsigned((v) => ({
    url: `/channels/${v.channelId}/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`,
  })),
  "POST /channels/:channelId/webhook": unsigned((v) => ({
    method: "POST",
    url: `/channels/${v.channelId}/webhook`,
    payload: { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1 }, text: "planted" } },
  })),
  // The snapshot alone (`wait=0`): the caller's own conversations, never the victim's.
  "GET /api/conversation-events": own(() => ({ url: "/api/conversation-events?wait=0" })),
  // The server's catalog, the same for every tenant (as `/v1/models`).
  "GET /api/models": own(() => ({ url: "/api/models" })),
  // Adding to it is the operator's alone (403 `operator_only` to the other tenant); the operator's own calls here
  // fail harmlessly: a file that is not there, a port where nothing listens, a reference that names no file.
  "POST /api/models": own(() => ({
    method: "POST",
    url: "/api/models",
    payload: { kind: "gguf", name: "planted", path: "/nonexistent/planted.gguf" },
  })),
  "POST /api/models/test-connection": own(() => ({
    method: "POST",
    url: "/api/models/test-connection",
    payload: { url: "http://127.0.0.1:9/v1" },
  })),
  "POST /api/model-downloads": own(() => ({
    method: "POST",
    url: "/api/model-downloads",
    payload: { name: "planted", hf: "owner/repo" },
  })),
  "GET /api/model-downloads": own(() => ({ url: "/api/model-downloads" })),
  "GET /api/model-downloads/:id": deny(() => ({ url: "/api/model-downloads/no-such-download" })),
  "DELETE /api/model-downloads/:id": deny(() => ({
    method: "DELETE",
    url: "/api/model-downloads/no-such-download",
  })),
  "GET /api/distill/jobs": own(() => ({ url: "/api/distill/jobs" })),
  "GET /api/distill/scorecards": own(() => ({ url: "/api/distill/scorecards" })),
  "POST /api/distill/jobs/:id/resume": deny((v) => ({
    method: "POST",
    url: `/api/distill/jobs/${v.distillJobId}/resume`,
  })),
  // Operator only: another tenant's key is refused before the body is read, and nothing is queued.
  "POST /api/distill/loops": deny((v) => ({
    method: "POST",
    url: "/api/distill/loops",
    payload: { agent: v.agentName, teacher: "teacher-70b", base: "qwen2.5-0.5b" },
  })),
  "GET /api/usage": own(() => ({ url: "/api/usage" })),
  "GET /api/conversation-languages": own(() => ({ url: "/api/conversation-languages" })),
  "GET /api/openapi.json": own(() => ({ url: "/api/openapi.json" })),
  "GET /healthz": own(() => ({ url: "/healthz" })),
  // The console's static files: public, the same for every caller (its data comes from `/api`).
  "GET /console": own(() => ({ url: "/console" })),
  "GET /console/": own(() => ({ url: "/console/" })),
  "GET /console/assets/:file": own(() => ({ url: "/console/assets/missing-file.js" })),
  "GET /readyz": own(() => ({ url: "/readyz" })),
  "GET /metrics": own(() => ({ url: "/metrics" })),
  "GET /v1/models": own(() => ({ url: "/v1/models" })),
  "GET /v1/models/:model": deny((v) => ({ url: `/v1/models/agent:${v.agentName}` }), control),
  "POST /v1/chat/completions": deny(
    (v) => ({
      method: "POST",
      url: "/v1/chat/completions",
      payload: {
        model: `agent:${v.agentName}`,
        user: "visitor",
        messages: [{ role: "user", content: "what did others ask?" }],
      },
    }),
    control,
  ),
  "POST /v1/embeddings": deny((v) => ({
    method: "POST",
    url: "/v1/embeddings",
    payload: { model: `agent:${v.agentName}`, input: "hola" },
  })),
};

function upload(): FormData {
  const form = new FormData();
  form.append("file", new Blob(["# Planted\n\nThis should never land in another tenant.\n"]), "planted.md");
  return form;
}

let server: ApiServer;
const holdings = new Map<string, Holdings>();

beforeAll(async () => {
  server = await startApiServer({ channels: { secretKey: randomBytes(32).toString("base64") } });
  for (const keys of [server.operator, server.other]) {
    holdings.set(keys.tenant.slug, await plant(server, keys));
  }
});
afterAll(() => server.close());

async function plant(server: ApiServer, keys: TestTenant): Promise<Holdings> {
  const slug = keys.tenant.slug;
  const agentName = `${slug}-bakery`;
  const persona = `Secret persona of ${slug}`;
  const put = await server.call(keys.admin, {
    method: "PUT",
    url: `/api/agents/${agentName}`,
    payload: agentSpec(agentName, { persona, widget: { enabled: true } }),
  });
  const agentId = put.json().id as string;
  const form = new FormData();
  form.append(
    "file",
    new Blob([`# Recipes of ${slug}\n\nThe sourdough secret of ${slug} is patience.\n`]),
    `${slug}-recipes.md`,
  );
  await server.call(keys.admin, { method: "POST", url: `/api/agents/${agentName}/knowledge`, payload: form });
  const sourceId = (await server.store.knowledge.listSources(keys.tenant.id, agentId))[0]!.id;
  const { store } = server;
  const tenantId = keys.tenant.id;
  const conversation = await store.conversations.create({
    tenantId,
    agentId,
    externalUserId: `phone:${slug}`,
  });
  await store.messages.append({
    conversationId: conversation.id,
    role: "user",
    content: `private question of ${slug}`,
  });
  await store.conversations.setStatus(tenantId, conversation.id, "waiting_human");
  const visitor = await server.openVisitor(keys.chat, agentName);
  const widget = await store.conversations.create({
    tenantId,
    agentId,
    externalUserId: visitor.externalUserId,
  });
  await store.messages.append({ conversationId: widget.id, role: "user", content: `widget chat of ${slug}` });
  const widgetAnswer = await store.messages.append({
    conversationId: widget.id,
    role: "assistant",
    content: `widget answer of ${slug}`,
  });
  const botToken = `123456:${slug}-bot-token-abcdefghijklmnop`;
  const webhookSecret = `${slug}-webhook-secret-token`;
  const channel = await server.call(keys.admin, {
    method: "POST",
    url: `/api/agents/${agentName}/channels`,
    payload: { kind: "telegram", secrets: { botToken, webhookSecret } },
  });
  expect(channel.statusCode, channel.body).toBe(201);
  const channelId = channel.json().id as string;
  const loop = await plantDistillLoop(store, tenantId, { id: agentId, name: agentName }, `${slug}-pupil`);
  const apiKeys = await store.apiKeys.list(tenantId);
  return {
    keys,
    agentName,
    agentId,
    sourceId,
    conversationId: conversation.id,
    widgetConversationId: widget.id,
    widgetAnswerId: widgetAnswer.id,
    visitor: visitor.token,
    keyIds: apiKeys.map((k) => k.id),
    channelId,
    distillJobId: loop.job.id,
    markers: [
      loop.job.id,
      loop.scorecard.id,
      `${slug}-pupil-0.5b`,
      tenantId,
      agentId,
      agentName,
      persona,
      sourceId,
      `${slug}-recipes.md`,
      `sourdough secret of ${slug}`,
      conversation.id,
      widget.id,
      `private question of ${slug}`,
      `widget chat of ${slug}`,
      `widget answer of ${slug}`,
      keys.admin,
      keys.chat,
      visitor.token,
      channelId,
      botToken,
      webhookSecret,
      ...apiKeys.flatMap((k) => [k.id, k.prefix]),
    ],
  };
}

/** Everything of a tenant that a request could change, to compare before and after. */
async function snapshot(store: Store, h: Holdings) {
  const tenantId = h.keys.tenant.id;
  const conversations = await store.conversations.list(tenantId);
  return {
    agents: await store.agents.list(tenantId),
    keys: (await store.apiKeys.list(tenantId)).map(({ lastUsedAt: _, ...key }) => key),
    sources: await store.knowledge.listSources(tenantId, h.agentId),
    channels: await store.channels.list(tenantId),
    conversations,
    messages: await Promise.all(conversations.map((c) => store.messages.list(c.id))),
  };
}

describe("tenant isolation", () => {
  it("has a case for every route the server registered, and no case for a route it does not have", () => {
    const registered = server.routes.map((r) => `${r.method} ${r.url}`).sort();
    expect(registered.length).toBeGreaterThan(20);
    expect(Object.keys(cases).sort()).toEqual(registered);
  });

  for (const [victimSlug, attackerSlug] of [
    ["other", "default"],
    ["default", "other"],
  ] as const) {
    for (const scope of ["admin", "chat", "visitor"] as const) {
      it(`keeps ${victimSlug}'s data from ${attackerSlug}'s ${scope} key on every route`, async () => {
        const victim = holdings.get(victimSlug)!;
        const attacker = holdings.get(attackerSlug)!;
        const key = scope === "visitor" ? attacker.visitor : attacker.keys[scope];
        const before = await snapshot(server.store, victim);
        for (const route of server.routes) {
          const name = `${route.method} ${route.url}`;
          const test = cases[name]!;
          const request = test.request(victim);
          const methods = route.method === "GET" ? ["GET", "HEAD"] : [route.method];
          for (const method of methods) {
            const res = await server.call(key, { ...request, method: method as InjectOptions["method"] });
            const what = `${method} ${route.url} (${attackerSlug} ${scope} key) → ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, what).toBeLessThan(500);
            if (test.expect === "unsigned") expect(res.statusCode, what).toBe(401);
            else expect(res.statusCode, what).not.toBe(401);
            if (test.expect === "deny") expect([403, 404], what).toContain(res.statusCode);
            // An error may echo what the caller sent (`agent not found: <name>`): that tells it nothing.
            const sent = `${request.url} ${typeof request.payload === "object" && !(request.payload instanceof FormData) ? JSON.stringify(request.payload) : ""}`;
            const secrets = victim.markers.filter((marker) => !sent.includes(marker));
            for (const marker of secrets) expect(res.body, `${what}\nleaks ${marker}`).not.toContain(marker);
            for (const [header, value] of Object.entries(res.headers)) {
              for (const marker of secrets)
                expect(String(value), `${what}: header ${header}`).not.toContain(marker);
            }
          }
          // The impostor agent lives in the attacker's tenant; remove it so that later cases find none.
          const impostor = await server.store.agents.getByName(attacker.keys.tenant.id, victim.agentName);
          if (impostor) await server.store.agents.remove(attacker.keys.tenant.id, impostor.id);
        }
        expect(await snapshot(server.store, victim)).toEqual(before);
      });
    }
  }

  it("answers the same reads to the owner's key (the controls)", async () => {
    for (const victim of holdings.values()) {
      for (const [name, test] of Object.entries(cases)) {
        if (!test.control) continue;
        const res = await server.call(victim.keys.admin, test.request(victim));
        expect(res.statusCode, `${name} → ${res.body.slice(0, 300)}`).toBeLessThan(300);
      }
      const own = await server.call(victim.visitor, { url: "/api/visitor-sessions/current" });
      expect(own.statusCode).toBe(200);
      expect(own.json().conversation.id).toBe(victim.widgetConversationId);
      // Its own visitor rates the answer no other tenant's key or visitor could.
      const rated = await server.call(victim.visitor, {
        method: "POST",
        url: `/api/visitor-sessions/current/messages/${victim.widgetAnswerId}/feedback`,
        payload: { rating: "up" },
      });
      expect(rated.statusCode, rated.body).toBe(200);
      expect(rated.json()).toEqual({ id: victim.widgetAnswerId, feedback: "up" });
    }
  });
});

describe("the thumbs-down cap (issue 12)", () => {
  it("counts one tenant's visitors apart from another's at the same address", async () => {
    const [flooder, victim] = [...holdings.values()];
    const rate = (token: string, id: string) =>
      server.call(token, {
        method: "POST",
        url: `/api/visitor-sessions/current/messages/${id}/feedback`,
        payload: { rating: "down" },
      });
    // Five visitors of the flooding tenant's widget, five answers each, all rated down from one address.
    const rated: { conversationId: string; id: string }[] = [];
    for (let v = 0; v < 5; v++) {
      const visitor = await server.openVisitor(flooder!.keys.chat, flooder!.agentName);
      const conversation = await server.store.conversations.create({
        tenantId: flooder!.keys.tenant.id,
        agentId: flooder!.agentId,
        externalUserId: visitor.externalUserId,
      });
      for (let a = 0; a < 5; a++) {
        await server.store.messages.append({
          conversationId: conversation.id,
          role: "user",
          content: `q${a}`,
        });
        const answer = await server.store.messages.append({
          conversationId: conversation.id,
          role: "assistant",
          content: `a${a}`,
        });
        expect((await rate(visitor.token, answer.id)).statusCode).toBe(200);
        rated.push({ conversationId: conversation.id, id: answer.id });
      }
    }
    const marks = await Promise.all(
      rated.map(
        async ({ conversationId, id }) =>
          (await server.store.messages.list(conversationId)).find((m) => m.id === id)!.metadata
            .feedbackCapped,
      ),
    );
    expect(marks.filter((m) => m === true)).toHaveLength(5);
    // The other tenant's visitor, at the same address, still counts.
    expect((await rate(victim!.visitor, victim!.widgetAnswerId)).statusCode).toBe(200);
    const answer = (await server.store.messages.list(victim!.widgetConversationId)).find(
      (m) => m.id === victim!.widgetAnswerId,
    )!;
    expect(answer.feedback).toBe("down");
    expect(answer.metadata.feedbackCapped).toBeUndefined();
  });
});
