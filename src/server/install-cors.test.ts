import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "./api/api-server.fixture.js";

/** A chat widget on the business's own site calling the server from a browser. */
let server: ApiServer;
let closed: ApiServer;
const site = "https://panaderia.example";

beforeAll(async () => {
  server = await startApiServer({ corsOrigins: [site] });
  closed = await startApiServer();
});
afterAll(async () => {
  await server.close();
  await closed.close();
});

const preflight = (target: ApiServer, origin: string) =>
  target.call(undefined, {
    method: "OPTIONS",
    url: "/v1/chat/completions",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });

describe("CORS", () => {
  it("answers an allowed origin's preflight without a key, and puts its headers on answers and errors", async () => {
    const pre = await preflight(server, site);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(site);
    expect(pre.headers["access-control-allow-methods"]).toContain("POST");
    expect(pre.headers["access-control-allow-headers"]).toBe("authorization, content-type");
    expect(pre.headers["access-control-allow-credentials"]).toBeUndefined();

    const models = await server.call(server.other.admin, { url: "/v1/models", headers: { origin: site } });
    expect(models.statusCode).toBe(200);
    expect(models.headers["access-control-allow-origin"]).toBe(site);
    expect(models.headers["access-control-expose-headers"]).toContain("x-request-id");
    // A widget must be able to read why it was refused.
    const refused = await server.call("alq_wrong", { url: "/v1/models", headers: { origin: site } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["access-control-allow-origin"]).toBe(site);
  });

  it("gives other origins, and servers without origins configured, no CORS headers", async () => {
    // Every answer says it varies by Origin, so a shared cache keeps them apart.
    const noOrigin = await server.call(server.other.chat, { url: "/v1/models" });
    expect(noOrigin.headers.vary).toContain("Origin");
    expect(noOrigin.headers["access-control-allow-origin"]).toBeUndefined();
    const stranger = await preflight(server, "https://evil.example");
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
    expect(stranger.statusCode).not.toBe(204);
    const none = await preflight(closed, site);
    expect(none.headers["access-control-allow-origin"]).toBeUndefined();
    const plain = await closed.call(closed.other.chat, { url: "/v1/models", headers: { origin: site } });
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("logs a refused preflight once per origin, with the setting to change, also when no origin is configured", async () => {
    const lines: { level: number; msg: string; origin?: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    for (const corsOrigins of [[site], []]) {
      lines.length = 0;
      const logged = await startApiServer({ corsOrigins, logger: pino({ level: "warn" }, sink) });
      try {
        await preflight(logged, "https://tienda.example");
        await preflight(logged, "https://tienda.example");
        await preflight(logged, "https://otra.example");
        if (corsOrigins.length > 0) await preflight(logged, site);
      } finally {
        await logged.close();
      }
      const refusals = lines.filter((l) => l.msg.startsWith("refused a browser request"));
      expect(refusals.map((l) => l.origin)).toEqual(["https://tienda.example", "https://otra.example"]);
      expect(refusals[0]!.level).toBe(40);
      expect(refusals[0]!.msg).toContain('add "https://tienda.example" to server.corsOrigins');
      expect(refusals[0]!.msg).toContain("widget.origins");
    }
  });
});
