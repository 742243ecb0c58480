import { describe, expect, it } from "vitest";
import {
  closedPortUrl,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import { createEngineProbe } from "./probe-engine.js";

describe("createEngineProbe", () => {
  it("asks GET {baseUrl}/models with the key, and keeps the answer ttlMs per engine", async () => {
    const seen: { url?: string; authorization?: string }[] = [];
    const engine = await startLocalHttpServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":[{"id":"m"}]}');
    });
    try {
      let now = 0;
      const probe = createEngineProbe({ ttlMs: 5_000, now: () => now });
      const [a, b] = await Promise.all([probe(`${engine.url}/v1`, "k"), probe(`${engine.url}/v1`, "k")]);
      expect([a, b]).toEqual([{ ok: true }, { ok: true }]);
      now = 4_999;
      expect(await probe(`${engine.url}/v1`, "k")).toEqual({ ok: true });
      expect(seen).toEqual([{ url: "/v1/models", authorization: "Bearer k" }]);
      now = 5_000;
      await probe(`${engine.url}/v1`, "k");
      expect(engine.requests).toBe(2);
    } finally {
      await engine.close();
    }
  });

  it("reports a closed port as unreachable, a 5xx as not serving, a refused key; an engine without /models is up", async () => {
    const down: { baseUrl: string; problem: string }[] = [];
    const probe = createEngineProbe({ onDown: ({ baseUrl, problem }) => down.push({ baseUrl, problem }) });
    const statuses = [503, 401, 404];
    const engine = await startLocalHttpServer((_req, res, index) => {
      res.writeHead(statuses[index] ?? 200).end("Loading model");
    });
    try {
      const closed = await closedPortUrl();
      expect(await probe(closed)).toEqual({ ok: false, problem: "unreachable" });
      expect(await probe(`${engine.url}/a`)).toEqual({ ok: false, problem: "not serving (HTTP 503)" });
      expect(await probe(`${engine.url}/b`)).toEqual({
        ok: false,
        problem: "refuses the configured API key (HTTP 401)",
      });
      expect(await probe(`${engine.url}/c`)).toEqual({ ok: true });
      // The addresses go to `onDown` (the log), not into the answer.
      expect(down.map((d) => d.baseUrl)).toEqual([closed, `${engine.url}/a`, `${engine.url}/b`]);
    } finally {
      await engine.close();
    }
  });

  it("gives up on an engine that does not answer after timeoutMs", async () => {
    const engine = await startLocalHttpServer(() => {}); // accepts, never answers
    try {
      const probe = createEngineProbe({ timeoutMs: 150 });
      const started = performance.now();
      expect(await probe(engine.url)).toEqual({ ok: false, problem: "unreachable" });
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await engine.close();
    }
  });
});
