import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../src/knowledge/ingest-sources.js";
import { tempDir } from "../../src/knowledge/knowledge-test.fixture.js";
import { ModelRegistry } from "../../src/models/model-registry.js";
import { closedPortUrl } from "../../src/models/openai-compatible/local-http-server.fixture.js";
import { type ApiServer, startApiServer } from "../../src/server/api/api-server.fixture.js";
import type { Store } from "../../src/spec/store.js";
import { openStore } from "../../src/store/open-store.js";

// Issue 10, finding 5: what a customer can read carries no absolute server path (citations name a
// document by its file name) and no internal URL, host, port or stack (a failure is a polite
// message with a request id; the detail is in the log, under the same id).

/** The error an answer carries: its JSON body's, or a stream's `data: {"error":…}` event's. */
function errorOf(res: { body: string; headers: Record<string, unknown> }): { message: string; code: string } {
  if (String(res.headers["content-type"]).startsWith("application/json")) return JSON.parse(res.body).error;
  const event = res.body
    .split("\n")
    .filter((line) => line.startsWith("data: {"))
    .map((line) => JSON.parse(line.slice(6)))
    .find((data) => data.error);
  return event?.error;
}

/** The turn as a back end asks for it (`user` names the customer), read as an admin reads it back. */
async function askAgent(server: ApiServer, agent: string, message: string, requestId?: string) {
  return server.call(server.operator.admin, {
    method: "POST",
    url: "/v1/chat/completions",
    headers: requestId ? { "x-request-id": requestId } : {},
    payload: { model: `agent:${agent}`, user: "visitor-1", messages: [{ role: "user", content: message }] },
  });
}

describe("a knowledge source added by an absolute path", () => {
  let server: ApiServer;
  let folder: string;

  beforeAll(async () => {
    server = await startApiServer();
    folder = join(tempDir("alq-security-"), "srv", "tienda", "internos");
    mkdirSync(folder, { recursive: true });
    const file = join(folder, "cupones-internos.md");
    writeFileSync(
      file,
      "# Cupones\n\n## Cupón de bienvenida\n\nEl cupón de bienvenida BIENVENIDA10 da un 10 % de descuento en el primer pedido.\n",
    );
    const { store, operator } = server;
    const agent = await store.agents.create({
      tenantId: operator.tenant.id,
      name: "bakery",
      spec: { name: "bakery", persona: "La panadería.", languages: ["es", "en"] },
    });
    const report = await ingestSources({
      store,
      tenantId: operator.tenant.id,
      agentId: agent.id,
      paths: [file],
      baseDir: tempDir(),
    });
    // The premise: the source is stored under the absolute path it was added by.
    expect(report.added).toEqual([file]);
  });
  afterAll(() => server.close());

  it("is cited by its file name in the answer, the stored message and its metadata", async () => {
    const res = await askAgent(server, "bakery", "¿Qué cupón de bienvenida tenéis?");
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json().choices[0];
    expect(answer.message.content).toContain("BIENVENIDA10");
    expect(answer.message.content).toContain("Fuente: cupones-internos.md");
    expect(answer.alambique.citations[0].uri).toBe("cupones-internos.md");
    expect(res.body).not.toContain(folder);

    const conversation = await server.call(server.operator.admin, {
      url: `/api/conversations/${answer.alambique.conversation_id}`,
    });
    expect(conversation.statusCode).toBe(200);
    const reply = conversation.json().messages.find((m: { role: string }) => m.role === "assistant");
    expect(reply.content).toContain("cupones-internos.md");
    expect(reply.metadata.citations[0].uri).toBe("cupones-internos.md");
    expect(conversation.body).not.toContain(folder);
    expect(conversation.body).not.toMatch(/"\/[^"\s]*\/cupones-internos/);
  });
});

describe("a remote model engine that cannot be reached", () => {
  let server: ApiServer;
  let store: Store;
  let engine: string;
  const logged: Record<string, unknown>[] = [];

  beforeAll(async () => {
    engine = `${await closedPortUrl()}/v1`;
    const registryStore = await openStore(join(tempDir(), "catalog.db"));
    store = registryStore;
    const models = new ModelRegistry({ store: registryStore, declared: { remote: { url: engine } } });
    const sink = new Writable({
      write(line, _encoding, done) {
        logged.push(JSON.parse(String(line)));
        done();
      },
    });
    server = await startApiServer({ models, logger: pino({ level: "info" }, sink) });
    await server.store.agents.create({
      tenantId: server.operator.tenant.id,
      name: "bakery",
      spec: { name: "bakery", persona: "La panadería.", languages: ["es", "en"], model: "remote" },
    });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  /** Nothing in `body` says where the engine is or how the server is built. */
  function expectNothingInternal(body: string): void {
    const { hostname, port } = new URL(engine);
    expect(body).not.toContain(hostname);
    expect(body).not.toContain(port);
    expect(body).not.toMatch(/https?:\/\//);
    expect(body).not.toMatch(/ECONNREFUSED|could not reach|\bat .*\.(ts|js):\d+|node_modules|\/src\//);
  }

  /** The request's log lines, which do say what failed and where. */
  function expectLoggedWithDetail(requestId: string): void {
    const lines = logged.filter((line) => line.reqId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).toContain(new URL(engine).host);
  }

  it("answers a raw model call with a polite message and its request id, and logs the detail", async () => {
    for (const stream of [false, true]) {
      const requestId = `raw-model-${stream}`;
      const res = await server.call(server.operator.admin, {
        method: "POST",
        url: "/v1/chat/completions",
        headers: { "x-request-id": requestId },
        payload: { model: "remote", stream, messages: [{ role: "user", content: "hola" }] },
      });
      expect(res.headers["x-request-id"]).toBe(requestId);
      expect(errorOf(res).message).toContain(requestId);
      expect(errorOf(res).message).toMatch(/try again/i);
      expectNothingInternal(res.body);
      expectLoggedWithDetail(requestId);
    }
  });

  it("answers an agent's turn in the customer's language, streamed or not", async () => {
    const plain = await askAgent(server, "bakery", "¿A qué hora abrís el domingo?", "agent-turn-1");
    expect(plain.statusCode).toBeGreaterThanOrEqual(500);
    expect(plain.headers["x-request-id"]).toBe("agent-turn-1");
    expect(errorOf(plain).message).toMatch(/^Lo siento.*agent-turn-1/);
    expectNothingInternal(plain.body);
    expectLoggedWithDetail("agent-turn-1");

    const streamed = await server.call(server.operator.admin, {
      method: "POST",
      url: "/v1/chat/completions",
      headers: { "x-request-id": "agent-turn-2" },
      payload: {
        model: "agent:bakery",
        user: "visitor-2",
        stream: true,
        messages: [{ role: "user", content: "What time do you open on Sunday?" }],
      },
    });
    expect(streamed.headers["x-request-id"]).toBe("agent-turn-2");
    expect(errorOf(streamed).message).toMatch(/^Sorry.*agent-turn-2/);
    expectNothingInternal(streamed.body);
    expectLoggedWithDetail("agent-turn-2");
  });

  it("names the request of every answer, a refused one included", async () => {
    const refused = await server.call(undefined, { url: "/v1/models" });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
