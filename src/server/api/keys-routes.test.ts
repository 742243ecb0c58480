import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

interface KeyJson {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  revokedAt: string | null;
}

describe("/api/keys", () => {
  it("creates a key whose secret is shown once, lists it without the secret, and revokes it", async () => {
    const { admin } = server.other;
    const created = await server.call(admin, {
      method: "POST",
      url: "/api/keys",
      payload: { name: "web widget", scopes: ["chat"] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { key, secret } = created.json() as { key: KeyJson; secret: string };
    expect(secret).toMatch(/^alq_/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    expect(key).toMatchObject({ name: "web widget", scopes: ["chat"], revokedAt: null });

    // A chat key opens visitor sessions (404: no such agent, so the key itself was accepted).
    const openSession = () =>
      server.call(secret, { method: "POST", url: "/api/visitor-sessions", payload: { agent: "nobody" } });
    expect((await openSession()).statusCode).toBe(404);
    const list = await server.call(admin, { url: "/api/keys" });
    const keys = list.json().data as KeyJson[];
    expect(keys.map((k) => k.name)).toEqual(["admin", "widget", "web widget"]);
    expect(list.body).not.toContain(secret);
    expect(Object.keys(keys[0]!).sort()).toEqual(
      ["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes", "tenantId"].sort(),
    );

    const revoked = await server.call(admin, { method: "DELETE", url: `/api/keys/${key.id}` });
    expect(revoked.json()).toEqual({ id: key.id, deleted: true });
    expect((await openSession()).statusCode).toBe(401);
    // Idempotent.
    expect((await server.call(admin, { method: "DELETE", url: `/api/keys/${key.id}` })).statusCode).toBe(200);
  });

  it("will not revoke the tenant's last active admin key (409)", async () => {
    const created = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/tenants",
      payload: { slug: "lonely", name: "Lonely" },
    });
    const { key, secret } = created.json() as { key: KeyJson; secret: string };
    const res = await server.call(secret, { method: "DELETE", url: `/api/keys/${key.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("last_admin_key");
    const second = await server.call(secret, {
      method: "POST",
      url: "/api/keys",
      payload: { name: "second admin", scopes: ["admin", "chat"] },
    });
    const next = second.json() as { secret: string };
    expect(
      (await server.call(next.secret, { method: "DELETE", url: `/api/keys/${key.id}` })).statusCode,
    ).toBe(200);
  });

  it("answers 404 for an unknown key and 400 for bad bodies", async () => {
    const { admin } = server.other;
    const unknown = await server.call(admin, {
      method: "DELETE",
      url: "/api/keys/01900000-0000-7000-8000-000000000000",
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("not_found");
    for (const [payload, param] of [
      [{ name: "x", scopes: ["root"] }, "scopes[0]"],
      [{ name: "x", scopes: [] }, "scopes"],
      [{ name: "x", scopes: ["chat", "chat"] }, "scopes"],
      [{ name: "", scopes: ["chat"] }, "name"],
      [{ name: "x", scopes: "chat" }, "scopes"],
      [[], null],
    ] as const) {
      const res = await server.call(admin, { method: "POST", url: "/api/keys", payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.param).toBe(param);
    }
    const text = await server.call(admin, {
      method: "POST",
      url: "/api/keys",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "name=x",
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe("unsupported_media_type");
  });
});
