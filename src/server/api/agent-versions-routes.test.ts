import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

const put = (name: string, payload: unknown, headers: Record<string, string> = {}) =>
  server.call(server.other.admin, {
    method: "PUT",
    url: `/api/agents/${name}`,
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(payload),
  });
const get = (url: string, key = server.other.admin) => server.call(key, { url });

describe("/api/agents/:name/versions", () => {
  it("lists every save newest first, with who saved it, and reads each version's spec", async () => {
    expect((await put("pan", agentSpec("pan", { persona: "First." }))).statusCode).toBe(201);
    expect((await put("pan", agentSpec("pan", { persona: "Second." }))).statusCode).toBe(200);
    const third = await put("pan", agentSpec("pan", { persona: "Third." }));
    const [admin] = (await server.store.apiKeys.list(server.other.tenant.id)).filter((k) =>
      k.scopes.includes("admin"),
    );

    const list = await get("/api/agents/pan/versions");
    expect(list.statusCode, list.body).toBe(200);
    const data = list.json().data;
    expect(data.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(data[0]).toEqual({
      version: 3,
      savedAt: third.json().updatedAt,
      savedBy: { keyId: admin!.id, keyName: admin!.name },
    });
    expect(data[0]).not.toHaveProperty("spec");
    expect((await get("/api/agents/pan/versions?limit=1")).json().data).toEqual([data[0]]);

    const first = await get("/api/agents/pan/versions/1");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, spec: { name: "pan", persona: "First." } });
  });

  it("reverts by PUTting an old spec with If-Match: it becomes the newest version", async () => {
    await put("revert", agentSpec("revert", { persona: "Old." }));
    const changed = await put("revert", agentSpec("revert", { persona: "New." }));
    const old = (await get("/api/agents/revert/versions/1")).json().spec;
    const reverted = await put("revert", old, { "if-match": changed.headers.etag as string });
    expect(reverted.statusCode, reverted.body).toBe(200);
    expect(reverted.json().spec.persona).toBe("Old.");
    const data = (await get("/api/agents/revert/versions")).json().data;
    expect(data.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect((await get("/api/agents/revert/versions/3")).json().spec).toEqual(old);
    // A stale ETag still refuses the revert.
    const stale = await put("revert", old, { "if-match": changed.headers.etag as string });
    expect(stale.statusCode).toBe(412);
  });

  it("answers 404 for an absent agent or version and 400 for a bad number or limit", async () => {
    await put("few", agentSpec("few"));
    const missing = await get("/api/agents/few/versions/2");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: "not_found" });
    expect(missing.json().error.message).toContain("few@2");
    expect((await get("/api/agents/nobody/versions")).statusCode).toBe(404);
    expect((await get("/api/agents/nobody/versions/1")).statusCode).toBe(404);
    for (const bad of ["0", "-1", "1.5", "x", "99999999999"]) {
      const res = await get(`/api/agents/few/versions/${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.param, bad).toBe("n");
    }
    for (const bad of ["0", "1001", "many"]) {
      expect((await get(`/api/agents/few/versions?limit=${bad}`)).statusCode, bad).toBe(400);
    }
    expect((await get("/api/agents/few/versions?since=1")).statusCode).toBe(400);
  });
});
