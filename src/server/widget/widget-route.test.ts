import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../api/api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

describe("GET /widget.js", () => {
  it("serves the widget without a key, cacheable, and 304 while unchanged", async () => {
    const first = await server.call(undefined, { url: "/widget.js" });
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(first.headers["cache-control"]).toBe("public, max-age=300");
    expect(first.body).toContain("data-agent");
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await server.call(undefined, { url: "/widget.js", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });
});
