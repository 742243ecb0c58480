import { afterEach, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { createFetchWithRetry, retryAfterMs } from "./fetch-with-retry.js";
import { closedPortUrl, type LocalHttpServer, startLocalHttpServer } from "./local-http-server.fixture.js";

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { baseDelayMs: 1, maxDelayMs: 1_000 };

/** A server that answers `status` to the first `failures` requests, then 200 with `{"ok":true}`. */
async function failingThen(failures: number, status: number, headers: Record<string, string> = {}) {
  server = await startLocalHttpServer((_req, res, index) => {
    if (index < failures)
      res.writeHead(status, { "content-type": "application/json", ...headers }).end('{"error":{}}');
    else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  return server;
}

describe("createFetchWithRetry", () => {
  it.each([429, 500, 502, 503, 504])(
    "retries HTTP %i and returns the success that follows",
    async (status) => {
      const engine = await failingThen(2, status);
      const response = await createFetchWithRetry({ ...fast, retries: 2 })(
        `${engine.url}/v1/chat/completions`,
        {
          method: "POST",
          body: "{}",
        },
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(engine.requests).toBe(3);
    },
  );

  it("returns the last failure once retries are spent", async () => {
    const engine = await failingThen(10, 503);
    const response = await createFetchWithRetry({ ...fast, retries: 2 })(engine.url);
    expect(response.status).toBe(503);
    expect(engine.requests).toBe(3);
  });

  it("does not retry a client error", async () => {
    const engine = await failingThen(10, 400);
    const response = await createFetchWithRetry(fast)(engine.url);
    expect(response.status).toBe(400);
    expect(engine.requests).toBe(1);
  });

  it("waits as long as Retry-After says", async () => {
    const engine = await failingThen(1, 429, { "retry-after": "0.3" });
    const started = performance.now();
    const response = await createFetchWithRetry(fast)(engine.url);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("returns at once when Retry-After is longer than it is willing to wait", async () => {
    const engine = await failingThen(1, 429, { "retry-after": "120" });
    const response = await createFetchWithRetry({ ...fast, maxDelayMs: 5_000 })(engine.url);
    expect(response.status).toBe(429);
    expect(engine.requests).toBe(1);
  });

  it("backs off exponentially", async () => {
    const engine = await failingThen(3, 503);
    const started = performance.now();
    // With random() = 0, delays are half the ceiling: 20, 40, 80 ms.
    await createFetchWithRetry({ baseDelayMs: 40, retries: 3, random: () => 0 })(engine.url);
    expect(performance.now() - started).toBeGreaterThanOrEqual(135);
    expect(engine.requests).toBe(4);
  });

  it("retries an attempt that times out", async () => {
    server = await startLocalHttpServer((_req, res, index) => {
      if (index > 0) res.writeHead(200, { "content-type": "application/json" }).end("{}");
      // The first request is never answered.
    });
    const response = await createFetchWithRetry({ ...fast, timeoutMs: 150 })(server.url);
    expect(response.status).toBe(200);
    expect(server.requests).toBe(2);
  });

  it("says the engine timed out when every attempt does", async () => {
    server = await startLocalHttpServer(() => {});
    const error = await createFetchWithRetry({ ...fast, retries: 1, timeoutMs: 100 })(server.url).catch(
      (e) => e,
    );
    expect(AlambiqueError.isInstance(error)).toBe(true);
    expect(error.code).toBe("engine_timeout");
    expect(error.message).toContain(server.url);
    expect(server.requests).toBe(2);
  });

  it("says which URL is unreachable and what to check", async () => {
    const url = `${await closedPortUrl()}/v1/chat/completions`;
    const error = await createFetchWithRetry({ ...fast, retries: 2 })(url, {
      method: "POST",
      body: "{}",
    }).catch((e) => e);
    expect(AlambiqueError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "engine_unreachable", status: 502, retryable: true });
    expect(error.message).toContain(url);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain("3 attempts");
    expect(error.hint).toContain("/v1");
  });

  it("never retries once the caller aborts, even mid-wait", async () => {
    const engine = await failingThen(10, 503);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const error = await createFetchWithRetry({ baseDelayMs: 10_000, maxDelayMs: 10_000 })(engine.url, {
      signal: controller.signal,
    }).catch((e) => e);
    expect(error.name).toBe("AbortError");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(engine.requests).toBe(1);
  });

  it("never retries once the caller aborts a request in flight", async () => {
    server = await startLocalHttpServer(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await createFetchWithRetry({ ...fast, timeoutMs: 10_000 })(server.url, {
      signal: controller.signal,
    }).catch((e) => e);
    expect(error.name).toBe("AbortError");
    expect(server.requests).toBe(1);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs("2")).toBe(2_000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 7_000)).toBe(3_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});
