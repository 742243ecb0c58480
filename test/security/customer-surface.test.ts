import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../src/agents/demo-agent.fixture.js";
import { ingestSources } from "../../src/knowledge/ingest-sources.js";
import { createOpenAICompatibleProvider } from "../../src/models/openai-compatible/create-openai-compatible-provider.js";
import { closedPortUrl } from "../../src/models/openai-compatible/local-http-server.fixture.js";
import { type ApiServer, emptyCatalog, startApiServer } from "../../src/server/api/api-server.fixture.js";
import type { ModelResolver } from "../../src/spec/models.js";

/**
 * Issue 10, finding 5, as a crawler: every route the server registered is
 * called with what a customer holds (the site's public chat key, and a
 * visitor token of one's own), with ids and names that exist, and every
 * answer (bodies, stream events and headers) is searched for what only the
 * operator may see: absolute server paths, tool names, inputs and results,
 * the model engine's internal address, stack traces. A route added later is
 * crawled too, because the routes are read from the server.
 */
let server: ApiServer;
let dir: string;
let engineAddress: string;
let visitor: { token: string; conversationId: string };
let brokenVisitor: string;
let sourceId: string;

/** What a customer must never read. */
let forbidden: (string | RegExp)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-surface-"));
  engineAddress = await closedPortUrl();
  // An engine on a private address that is down: its URL must stay in the log.
  const engine = createOpenAICompatibleProvider({
    baseURL: `${engineAddress}/v1`,
    retry: { retries: 0, timeoutMs: 2_000 },
  });
  const models: ModelResolver = {
    ...emptyCatalog,
    languageModel: async (name) =>
      name === "engine" ? engine.languageModel("m") : emptyCatalog.languageModel(name),
  };
  server = await startApiServer({ models });
  const tenantId = server.other.tenant.id;
  const { agent } = await seedDemoAgent(server.store, tenantId);
  // A document the business added by absolute path, from a folder that names the server's layout.
  const internal = join(dir, "srv", "panaderia", "interno");
  mkdirSync(internal, { recursive: true });
  const file = join(internal, "cupones-internos.md");
  writeFileSync(
    file,
    "# Cupones\n\nEl cupón de bienvenida ESPIGA10 da un 10 % de descuento en el primer pedido.\n",
  );
  // Outside the base folder: stored under its absolute path, as `knowledge add AGENT /abs/path` does.
  await ingestSources({
    store: server.store,
    tenantId,
    agentId: agent.id,
    paths: [file],
    baseDir: process.cwd(),
  });
  sourceId = (await server.store.knowledge.listSources(tenantId, agent.id)).find((s) =>
    s.uri.includes("cupones"),
  )!.id;
  await seedDemoAgent(server.store, tenantId, (spec) => ({ ...spec, name: "con-modelo", model: "engine" }));

  const opened = await server.openVisitor(server.other.chat, "la-espiga");
  const turn = await server.call(opened.token, {
    method: "POST",
    url: "/v1/chat/completions",
    payload: {
      model: "agent:la-espiga",
      messages: [{ role: "user", content: "¿tenéis cupón de bienvenida?" }],
    },
  });
  const conversationId = turn.json().choices[0].alambique.conversation_id as string;
  visitor = { token: opened.token, conversationId };
  // What the runtime stores for the staff: a tool call, its input and its failing result.
  await server.store.messages.append({
    conversationId,
    role: "tool",
    content:
      "Error: 401 from http://10.0.4.2:9000/orders?token=TOOLSECRET-9f3\n    at fetchOrder (/srv/app/tools.ts:12:7)",
    metadata: { toolName: "lookup_internal_orders", input: { order: "LE-1001", apiToken: "TOOLSECRET-9f3" } },
  });
  await server.store.messages.append({
    conversationId,
    role: "assistant",
    content: "Tu pedido LE-1001 está en camino.",
    metadata: { toolCalls: [{ toolName: "lookup_internal_orders", input: { apiToken: "TOOLSECRET-9f3" } }] },
  });
  brokenVisitor = (await server.openVisitor(server.other.chat, "con-modelo")).token;

  forbidden = [
    dir,
    "/srv/",
    "interno/",
    "lookup_internal_orders",
    "TOOLSECRET-9f3",
    "10.0.4.2",
    engineAddress.replace("http://", ""),
    "node_modules",
    /\n\s+at \S.*:\d+:\d+/,
    /\.(ts|js):\d+:\d+/,
  ];
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests to make of a route, with the visitor's own ids and names filled in. */
function requestsFor(method: string, url: string): InjectOptions[] {
  const path = url
    .replace(":id", visitor.conversationId)
    .replace(":name", "la-espiga")
    .replace(":sourceId", sourceId)
    .replace(":model", "agent:la-espiga");
  const m = method as InjectOptions["method"];
  if (url === "/v1/chat/completions") {
    const ask = (model: string, content: string, stream: boolean): InjectOptions => ({
      method: m,
      url: path,
      payload: { model, stream, messages: [{ role: "user", content }] },
    });
    return [
      ask("agent:la-espiga", "¿tenéis cupón de bienvenida?", false),
      ask("agent:la-espiga", "¿tenéis cupón de bienvenida?", true),
      ask("agent:la-espiga", "¿dónde está mi pedido LE-1001?", false),
      ask("agent:con-modelo", "hola, ¿abrís hoy?", false),
      ask("agent:con-modelo", "hola, ¿abrís hoy?", true),
      ask("engine", "hola", false),
    ];
  }
  if (url === "/api/visitor-sessions") return [{ method: m, url: path, payload: { agent: "la-espiga" } }];
  if (method === "GET" || method === "DELETE") return [{ method: m, url: path }];
  return [{ method: m, url: path, payload: {} }];
}

function leaks(res: LightMyRequestResponse): string[] {
  const text = `${res.body}\n${Object.entries(res.headers)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join("\n")}`;
  return forbidden
    .filter((marker) => (typeof marker === "string" ? text.includes(marker) : marker.test(text)))
    .map(String);
}

describe("what a customer can read", () => {
  it("holds no server path, tool trace, internal address or stack trace, on any route", async () => {
    expect(server.routes.length).toBeGreaterThan(20);
    const credentials = {
      "chat key": server.other.chat,
      "own visitor token": visitor.token,
      "visitor of the model agent": brokenVisitor,
    };
    let answered = 0;
    for (const route of server.routes) {
      for (const request of requestsFor(route.method, route.url)) {
        for (const [who, key] of Object.entries(credentials)) {
          const res = await server.call(key, request);
          if (res.statusCode < 300) answered++;
          const what = `${route.method} ${route.url} ${JSON.stringify(request.payload ?? "")} as ${who} → ${res.statusCode}\n${res.body.slice(0, 600)}`;
          expect(leaks(res), what).toEqual([]);
          // 502/504: the model agent's engine is down, said politely; never a 500 (an unexpected error).
          expect(res.statusCode, what).not.toBe(500);
        }
      }
    }
    // The crawl read real answers, not only refusals: the visitor's turns, conversation and session.
    expect(answered).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it("still shows the business its own traces (the control: the markers are really stored)", async () => {
    const res = await server.call(server.other.admin, {
      url: `/api/conversations/${visitor.conversationId}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("lookup_internal_orders");
    expect(res.body).toContain("TOOLSECRET-9f3");
  });

  it("tells a customer whose agent's engine is down to try again, with a request id", async () => {
    const res = await server.call(brokenVisitor, {
      method: "POST",
      url: "/v1/chat/completions",
      headers: { "x-request-id": "req-surface-1" },
      payload: { model: "agent:con-modelo", messages: [{ role: "user", content: "hola, ¿abrís hoy?" }] },
    });
    expect(leaks(res)).toEqual([]);
    expect(res.headers["x-request-id"]).toBe("req-surface-1");
    if (res.statusCode >= 400) expect(res.body).toContain("req-surface-1");
  });
});
