import { randomBytes } from "node:crypto";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { type ApiServer, agentSpec, startApiServer, type TestTenant } from "./api-server.fixture.js";
import { plantDistillLoop } from "./distill-records.fixture.js";
import { cases, type Holdings } from "./tenant-isolation.cases.js";

/**
 * Tenant isolation, as issue 5 requires it: every route the server has is
 * called with another tenant's keys (admin and chat) and the first tenant's
 * names and ids. A route either refuses (403/404) or answers with the
 * caller's own data; no answer ever holds any of the first tenant's, and
 * afterwards the first tenant's data is exactly as it was.
 *
 * The cases are keyed by route (tenant-isolation.cases.ts); the test
 * enumerates the routes the server really registered, so a route added
 * without a case there fails it.
 */

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
  const queuedForm = new FormData();
  queuedForm.append("file", new Blob([`# Queued notes of ${slug}\n`]), `${slug}-queued.md`);
  const queued = await server.call(keys.admin, {
    method: "POST",
    url: `/api/agents/${agentName}/knowledge`,
    payload: queuedForm,
    headers: { prefer: "respond-async" },
  });
  expect(queued.statusCode, queued.body).toBe(202);
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
    ingestJobId: queued.json().id as string,
    markers: [
      queued.json().id as string,
      `${slug}-queued.md`,
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
    ingestJobs: await store.jobs.list({ tenantId, kind: "ingest" }),
    queuedBytes: await store.uploads.tenantBytes(tenantId),
    conversations,
    messages: await Promise.all(conversations.map((c) => store.messages.list(c.id))),
  };
}

describe("tenant isolation", () => {
  it("has a case for every route the server registered, and no case for a route it does not have", () => {
    const registered = server.routes.map((r) => `${r.method} ${r.url}`).sort();
    expect(registered.length).toBeGreaterThan(20);
    expect(Object.keys(cases).sort(), "each route needs a case in tenant-isolation.cases.ts").toEqual(
      registered,
    );
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
