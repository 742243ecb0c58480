import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

describe("GET /api/tenant", () => {
  it("answers the calling key's own tenant", async () => {
    const res = await server.call(server.other.admin, { url: "/api/tenant" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: server.other.tenant.id,
      slug: "other",
      name: "Other",
      createdAt: server.other.tenant.createdAt,
      usage: { day: new Date().toISOString().slice(0, 10), tokens: 0, dailyLimit: null },
    });
  });

  it("shows today's token usage and the daily budget", async () => {
    const budgeted = await startApiServer({ limits: { dailyTokens: 5000 } });
    try {
      const day = new Date().toISOString().slice(0, 10);
      await budgeted.store.usage.add(budgeted.other.tenant.id, day, 1234); // e.g. before a restart
      const res = await budgeted.call(budgeted.other.admin, { url: "/api/tenant" });
      expect(res.json()).toMatchObject({ usage: { day, tokens: 1234, dailyLimit: 5000 } });
    } finally {
      await budgeted.close();
    }
  });
});

describe("POST /api/tenants", () => {
  it("lets the operator create a tenant whose first admin key works at once, shown once", async () => {
    const res = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/tenants",
      payload: { slug: "panaderia-rosa", name: "Panadería Rosa" },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as {
      tenant: { id: string; slug: string };
      key: { scopes: string[] };
      secret: string;
    };
    expect(body.tenant.slug).toBe("panaderia-rosa");
    expect(body.key.scopes).toEqual(["admin"]);
    const own = await server.call(body.secret, { url: "/api/tenant" });
    expect(own.json()).toMatchObject({ id: body.tenant.id, name: "Panadería Rosa" });
    const keys = await server.call(body.secret, { url: "/api/keys" });
    expect(keys.body).not.toContain(body.secret);
  });

  it("refuses a second tenant with the same slug (409, param slug)", async () => {
    const create = () =>
      server.call(server.operator.admin, {
        method: "POST",
        url: "/api/tenants",
        payload: { slug: "twice", name: "Twice" },
      });
    expect((await create()).statusCode).toBe(201);
    const again = await create();
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: "tenant_exists", param: "slug" });
  });

  it("refuses other tenants' admins (403) and bad bodies (400 with param)", async () => {
    const other = await server.call(server.other.admin, {
      method: "POST",
      url: "/api/tenants",
      payload: { slug: "sneaky", name: "Sneaky" },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe("insufficient_scope");
    expect((await server.store.tenants.getBySlug("sneaky")) ?? null).toBeNull();

    for (const [payload, param] of [
      [{ slug: "Not Valid", name: "x" }, "slug"],
      [{ slug: "ok", name: 42 }, "name"],
      [{ name: "no slug" }, "slug"],
    ] as const) {
      const res = await server.call(server.operator.admin, { method: "POST", url: "/api/tenants", payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.param).toBe(param);
    }
    const malformed = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/tenants",
      headers: { "content-type": "application/json" },
      payload: '{"slug": "x",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe("invalid_json");
  });
});
