import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, emptyCatalog, startApiServer } from "../api/api-server.fixture.js";
import { createServer } from "../create-server.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  const body = res.json() as { error: { code: string; type: string; message: string; param: unknown } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

describe("authentication", () => {
  it("answers 401 invalid_api_key without a key, with a malformed one, and with an unknown one", async () => {
    const anonymous = await server.call(undefined, { url: "/api/keys" });
    const none = expectError(anonymous, 401, "invalid_api_key");
    expect(none.type).toBe("authentication_error");
    expect(anonymous.headers["www-authenticate"]).toBe('Bearer realm="alambique"');
    for (const authorization of ["Bearer", "Basic dXNlcjpwYXNz", "Bearer alq_nope", "Bearer sk-123"]) {
      const res = await server.app.inject({ url: "/api/keys", headers: { authorization } });
      expectError(res, 401, "invalid_api_key");
    }
    expectError(await server.call(undefined, { url: "/v1/models" }), 401, "invalid_api_key");
  });

  it("accepts the key as a bearer token in any case, or in x-api-key", async () => {
    const { admin } = server.operator;
    expect(
      (await server.app.inject({ url: "/api/keys", headers: { authorization: `bearer ${admin}` } }))
        .statusCode,
    ).toBe(200);
    expect((await server.app.inject({ url: "/api/keys", headers: { "x-api-key": admin } })).statusCode).toBe(
      200,
    );
  });

  it("refuses a revoked key at once", async () => {
    const { key, secret } = await server.store.apiKeys.create({
      tenantId: server.other.tenant.id,
      name: "soon revoked",
      scopes: ["admin"],
    });
    expect((await server.call(secret, { url: "/api/tenant" })).statusCode).toBe(200);
    await server.store.apiKeys.revoke(server.other.tenant.id, key.id);
    expectError(await server.call(secret, { url: "/api/tenant" }), 401, "invalid_api_key");
  });

  it("lets a chat key open visitor sessions, and nothing else (403 insufficient_scope)", async () => {
    const { chat } = server.other;
    for (const url of [
      "/v1/models",
      "/api/conversations",
      "/api/agents",
      "/api/keys",
      "/api/handoff-queue",
    ]) {
      const refused = expectError(await server.call(chat, { url }), 403, "insufficient_scope");
      expect(refused.type).toBe("permission_error");
    }
    for (const [url, payload] of [
      ["/api/keys", { name: "x", scopes: ["admin"] }],
      ["/v1/chat/completions", { model: "instant", messages: [{ role: "user", content: "hi" }] }],
      ["/v1/embeddings", { model: "instant", input: "hi" }],
    ] as const) {
      expectError(await server.call(chat, { method: "POST", url, payload }), 403, "insufficient_scope");
    }
    // What it may do: its answer is checked by the visitor-session tests (404: no such agent here).
    expectError(
      await server.call(chat, { method: "POST", url: "/api/visitor-sessions", payload: { agent: "nobody" } }),
      404,
      "not_found",
    );
  });

  it("lets an admin key use /v1 too", async () => {
    expect((await server.call(server.other.admin, { url: "/v1/models" })).json()).toEqual({
      object: "list",
      data: [],
    });
  });

  it("authenticates before reading the body: an anonymous malformed body is a 401, not a 400", async () => {
    const res = await server.app.inject({
      method: "POST",
      url: "/api/keys",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expectError(res, 401, "invalid_api_key");
  });

  it("serves the OpenAPI document and unknown URLs without a key", async () => {
    expect((await server.call(undefined, { url: "/api/openapi.json" })).statusCode).toBe(200);
    expectError(await server.call(undefined, { url: "/api/nothing-here" }), 404, "unknown_url");
  });

  it("never logs a secret, valid or not", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createServer({
      models: emptyCatalog,
      store: server.store,
      logger: pino({ level: "trace" }, sink),
    });
    const wrong = "alq_this-is-not-a-key-but-looks-like-one";
    await app.inject({ url: "/api/keys", headers: { authorization: `Bearer ${server.operator.admin}` } });
    await app.inject({ url: "/api/keys", headers: { authorization: `Bearer ${wrong}` } });
    await app.inject({ url: "/api/keys", headers: { "x-api-key": server.other.chat } });
    await app.close();
    expect(lines.length).toBeGreaterThan(4);
    for (const secret of [server.operator.admin, wrong, server.other.chat]) {
      expect(lines.join("\n")).not.toContain(secret);
    }
  });

  it("with auth disabled, reads no key, leaves request.auth null, and serves no /api", async () => {
    const app = createServer({ models: emptyCatalog, auth: "disabled" });
    let seen: unknown = "unset";
    app.addHook("onRequest", async (request) => {
      seen = request.auth;
    });
    expect((await app.inject({ url: "/v1/models" })).statusCode).toBe(200);
    expect(seen).toBeNull();
    expect((await app.inject({ url: "/api/tenant" })).statusCode).toBe(404);
    await app.close();
  });
});

describe("request.auth", () => {
  it("carries the key's tenant, id and scopes, never its secret", async () => {
    const app = createServer({ models: emptyCatalog, store: server.store });
    let seen: unknown;
    app.addHook("preHandler", async (request) => {
      seen = request.auth;
    });
    await app.inject({ url: "/v1/models", headers: { authorization: `Bearer ${server.other.admin}` } });
    await app.close();
    const [admin] = await server.store.apiKeys.list(server.other.tenant.id);
    expect(seen).toEqual({
      tenantId: server.other.tenant.id,
      keyId: admin!.id,
      scopes: ["admin"],
      visitor: null,
    });
  });
});
