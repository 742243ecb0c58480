import { mkdtempSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";
import { openStore } from "../../store/open-store.js";
import { createServer } from "../create-server.js";
import { gatedModel, instantModel, instantResolver } from "../openai/instant-model.fixture.js";

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

function serve(models: ModelResolver, extra: { drainMs?: number } = {}) {
  const app = createServer({ auth: "disabled", models, limits: { requestsPerMinute: 0 }, ...extra });
  open.push(app);
  return app;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const chatBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: "user", content: "hola" }], ...extra });

describe("/healthz, /readyz, /metrics", () => {
  it("reports the process up and the store and models ready", async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-ops-")), "alambique.db"));
    const app = createServer({
      auth: "disabled",
      store,
      models: instantResolver({ instant: instantModel() }),
    });
    open.push(app);
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: "ready",
      store: { ok: true },
      models: { ok: true, count: 1, problems: [] },
    });
    await store.close();
    const closed = await app.inject({ url: "/readyz" });
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toMatchObject({ status: "not_ready", store: { ok: false } });
  });

  it("is not ready when a local model file is missing or is not GGUF, or a remote engine does not answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alq-ops-"));
    writeFileSync(join(dir, "pointer.gguf"), "version https://git-lfs.github.com/spec/v1\n");
    const base = instantResolver({ instant: instantModel() });
    const [template] = await base.list();
    const record = (name: string, source: string): ModelRecord => ({ ...template!, name, source });
    const models: ModelResolver = {
      ...base,
      list: async () => [
        record("gone", `gguf:${join(dir, "gone.gguf")}`),
        record("lfs", `gguf:${join(dir, "pointer.gguf")}`),
        record("remote", "url:http://127.0.0.1:9/v1"),
      ],
    };
    const res = await serve(models).inject({ url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json().models).toEqual({
      ok: false,
      count: 3,
      problems: [
        "gone: its model file does not exist",
        "lfs: its model file is not a GGUF file",
        "remote: unreachable",
      ],
    });
    // /readyz is public: the engine's address and the files' paths are for the log and `doctor` only.
    expect(res.body).not.toContain("127.0.0.1:9");
    expect(res.body).not.toContain(dir);
  });

  it("exposes requests, latencies, tokens, queues and models in Prometheus text", async () => {
    const app = serve(instantResolver({ instant: instantModel() }));
    await app.inject({ url: "/v1/models" });
    await app.inject({ url: "/v1/models/instant" });
    await app.inject({ url: "/v1/models/nope" });
    await app.inject({ url: "/nowhere/at/all?x=1" });
    const chat = {
      method: "POST" as const,
      url: "/v1/chat/completions",
      headers: { "content-type": "application/json" },
    };
    await app.inject({ ...chat, payload: chatBody("instant") });
    await app.inject({ ...chat, payload: chatBody("instant", { stream: true }) });
    const res = await app.inject({ url: "/metrics" });
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = res.body;
    for (const line of [
      'alambique_http_requests_total{method="GET",route="/v1/models",status="200"} 1',
      'alambique_http_requests_total{method="GET",route="/v1/models/:model",status="200"} 1',
      'alambique_http_requests_total{method="GET",route="/v1/models/:model",status="404"} 1',
      'alambique_http_requests_total{method="GET",route="unmatched",status="404"} 1',
      'alambique_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 2',
      'alambique_http_request_duration_seconds_count{method="POST",route="/v1/chat/completions"} 2',
      'alambique_tokens_total{model="instant",kind="prompt"} 10',
      'alambique_tokens_total{model="instant",kind="completion"} 6',
      'alambique_generation_queue_running{model="instant"} 0',
      "alambique_models_loaded 1",
      "alambique_sse_streams_open 0",
      // The scrape itself is in flight.
      "alambique_http_requests_in_flight 1",
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
      expect(line).toMatch(/^[a-z_][a-z0-9_]*(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? (-?[0-9.e+-]+|\+Inf|NaN)$/);
    }
  });
});

describe("graceful shutdown", () => {
  it("stops accepting connections and lets a non-streaming request finish", async () => {
    const slow = gatedModel();
    const app = serve(instantResolver({ slow: slow.model }));
    const base = await listen(app);
    const pending = fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody("slow"),
    });
    await slow.started;
    const closing = app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    slow.open();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe("Hola.");
    await closing;
  });

  it("refuses a request that arrives on an open connection during the drain with 503 shutting_down", async () => {
    const slow = gatedModel();
    const app = serve(instantResolver({ slow: slow.model }));
    const { port } = new URL(await listen(app));
    const socket = connect(Number(port), "127.0.0.1");
    let received = "";
    socket.on("data", (data) => {
      received += data.toString();
    });
    const ended = new Promise((resolve) => socket.on("close", resolve));
    const body = chatBody("slow");
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await slow.started;
    const closing = app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Pipelined on the busy connection: it reaches the server while it drains.
    socket.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 50));
    slow.open();
    await closing;
    await ended;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(second!.split("\r\n\r\n")[1]!).error).toMatchObject({
      code: "shutting_down",
      type: "server_error",
    });
  });

  it("ends a stream with a last chunk and [DONE], which the openai client reads as a finished answer", async () => {
    const slow = gatedModel();
    const app = serve(instantResolver({ slow: slow.model }));
    const client = new OpenAI({ baseURL: `${await listen(app)}/v1`, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "slow",
      messages: [{ role: "user", content: "hola" }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const reading = (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })();
    await slow.started;
    const started = performance.now();
    await app.close();
    await reading;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const last = chunks.at(-1)?.choices[0];
    expect(last?.finish_reason).toBe("length");
    expect((last as unknown as { alambique: unknown }).alambique).toEqual({ interrupted: "server_shutdown" });
    // The generation was stopped, not left running for nobody.
    expect(slow.signals[0]?.aborted).toBe(true);
  });

  it("aborts what is still running after the drain time, answering 503 cancelled", async () => {
    const stuck = gatedModel();
    const app = serve(instantResolver({ stuck: stuck.model }), { drainMs: 200 });
    const base = await listen(app);
    const pending = fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody("stuck"),
    });
    await stuck.started;
    const started = performance.now();
    await app.close();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cancelled");
  });
});
