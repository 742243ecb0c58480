import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../../testing/until.fixture.js";
import { startApiServer } from "../api/api-server.fixture.js";
import { createServer } from "../create-server.js";
import { gatedModel, instantModel, instantResolver } from "../openai/instant-model.fixture.js";
import type { LimitsOptions } from "./server-limits.js";

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

function serve(limits: LimitsOptions, models: Record<string, LanguageModelV3> = { instant: instantModel() }) {
  const app = createServer({ auth: "disabled", models: instantResolver(models), limits, drainMs: 100 });
  open.push(app);
  return app;
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return (app.server.address() as AddressInfo).port;
}

const chat = (model = "instant", extra: Record<string, unknown> = {}) => ({
  method: "POST" as const,
  url: "/v1/chat/completions",
  payload: { model, messages: [{ role: "user", content: "hola" }], ...extra },
});

describe("limits", () => {
  it("rate-limits per client with 429 rate_limit_exceeded and Retry-After; probes are exempt", async () => {
    const app = serve({ requestsPerMinute: 2 });
    const [a, b, c] = [
      await app.inject({ url: "/v1/models" }),
      await app.inject({ url: "/v1/models" }),
      await app.inject({ url: "/v1/models" }),
    ];
    expect([a!.statusCode, b!.statusCode, c!.statusCode]).toEqual([200, 200, 429]);
    expect(a!.headers["x-ratelimit-limit-requests"]).toBe("2");
    expect(a!.headers["x-ratelimit-remaining-requests"]).toBe("1");
    expect(c!.headers["retry-after"]).toBe("30");
    expect(c!.json()).toEqual({
      error: {
        message: "Rate limit reached: 2 requests per minute for this key",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    });
    for (const url of ["/healthz", "/metrics", "/readyz", "/healthz"]) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
  });

  it("counts each API key apart, after authentication", async () => {
    const server = await startApiServer({
      models: instantResolver({ instant: instantModel() }),
      limits: { requestsPerMinute: 1 },
    });
    try {
      const { operator, other } = server;
      expect((await server.call(operator.admin, { url: "/v1/models" })).statusCode).toBe(200);
      expect((await server.call(operator.admin, { url: "/v1/models" })).statusCode).toBe(429);
      expect((await server.call(other.admin, { url: "/v1/models" })).statusCode).toBe(200);
      // No key: refused by authentication, and not counted against anyone.
      expect((await server.call(undefined, { url: "/v1/models" })).statusCode).toBe(401);
      expect((await server.call(undefined, { url: "/v1/models" })).statusCode).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("refuses a tenant that spent its daily tokens with 429 insufficient_quota, counting streams too", async () => {
    // The instant model uses 8 tokens a call.
    const app = serve({ dailyTokens: 10 });
    const streamed = await app.inject(chat("instant", { stream: true }));
    expect(streamed.body).toContain("[DONE]");
    expect((await app.inject(chat())).statusCode).toBe(200);
    const refused = await app.inject(chat());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: "insufficient_quota", type: "rate_limit_error" });
    const retry = Number(refused.headers["retry-after"]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    // Listing models costs no tokens and stays open.
    expect((await app.inject({ url: "/v1/models" })).statusCode).toBe(200);
  });

  it("holds a generation's reservation until it is charged, and gives it back when it fails", async () => {
    const gated = gatedModel();
    const failing: LanguageModelV3 = {
      ...instantModel(),
      doStream: async () => {
        throw new Error("the engine fell over");
      },
    };
    const app = serve({ dailyTokens: 100 }, { gated: gated.model, failing, instant: instantModel() });
    // A stream that fails before it starts is charged nothing and holds nothing once answered.
    expect((await app.inject(chat("failing", { stream: true }))).statusCode).toBe(500);
    // An open stream holds what it may use (its prompt and 1 024 tokens, more than the 100 left: all of them).
    const stream = app.inject(chat("gated", { stream: true }));
    await gated.started;
    const refused = await app.inject(chat("instant", { max_tokens: 10 }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: "insufficient_quota" });
    expect(refused.json().error.message).toContain("requests in progress");
    expect(refused.headers["retry-after"]).toBe("2");
    gated.open();
    expect((await stream).body).toContain("[DONE]");
    // Charged its 8 tokens, the stream gave the rest back.
    expect((await app.inject(chat("instant", { max_tokens: 10 }))).statusCode).toBe(200);
  });

  it("queues generations per model: N run, M wait, the next gets 429 model_overloaded at once", async () => {
    const slow = gatedModel();
    const app = serve(
      { queue: { concurrency: 1, maxWaiting: 1 } },
      { slow: slow.model, fast: instantModel() },
    );
    const first = app.inject(chat("slow"));
    await slow.started;
    const second = app.inject(chat("slow"));
    await until(async () =>
      (await app.inject({ url: "/metrics" })).body.includes(
        'alambique_generation_queue_waiting{model="slow"} 1',
      ),
    );
    const third = await app.inject(chat("slow"));
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe("model_overloaded");
    expect(Number(third.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Another model has its own queue.
    expect((await app.inject(chat("fast"))).statusCode).toBe(200);
    slow.open();
    expect([(await first).statusCode, (await second).statusCode]).toEqual([200, 200]);
    const metrics = (await app.inject({ url: "/metrics" })).body;
    expect(metrics).toContain('alambique_generation_queue_running{model="slow"} 0');
    expect(metrics).toContain('alambique_generation_queue_waiting{model="slow"} 0');
  });

  it("stops a non-streaming generation at its deadline with 504 timeout, and frees its slot; streams have none", async () => {
    const stuck = gatedModel();
    const app = serve(
      { requestTimeoutMs: 150, queue: { concurrency: 1, maxWaiting: 0 } },
      { stuck: stuck.model },
    );
    const started = performance.now();
    const res = await app.inject(chat("stuck"));
    expect(res.statusCode).toBe(504);
    expect(res.json().error.code).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(stuck.signals[0]?.aborted).toBe(true);
    // The slot came back: the next request is admitted (and times out), rather than refused as a full queue.
    expect((await app.inject(chat("stuck"))).statusCode).toBe(504);

    const stream = app.inject(chat("stuck", { stream: true }));
    setTimeout(stuck.open, 400);
    const body = (await stream).body;
    expect(body).toContain('"content":"Hola."');
    expect(body).toContain("[DONE]");
  });

  it("charges a generation given up on (deadline, client gone) an estimate, not nothing", async () => {
    const stuck = gatedModel();
    const app = serve({ requestTimeoutMs: 100, dailyTokens: 1 }, { stuck: stuck.model });
    expect((await app.inject(chat("stuck"))).statusCode).toBe(504);
    const next = await app.inject(chat("stuck"));
    expect(next.statusCode).toBe(429);
    expect(next.json().error.code).toBe("insufficient_quota");
  });

  it("answers a 100 MB body with 413 without reading it", async () => {
    const port = await listen(serve({}));
    for (const framing of ["length", "chunked"] as const) {
      const { status, written, body } = await postHuge(port, framing, 100 * 1024 * 1024);
      expect(status, framing).toBe(413);
      expect(JSON.parse(body).error.code).toBe("body_too_large");
      // What the kernel buffered plus the 4 MiB limit, not 100 MB.
      expect(written, framing).toBeLessThan(24 * 1024 * 1024);
    }
  });

  it("cuts off a client that sends its headers a byte at a time (slow loris), serving others meanwhile", async () => {
    const app = serve({ receiveTimeoutMs: 600, headersTimeoutMs: 400 });
    const port = await listen(app);
    const text = `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Pad: ${"a".repeat(2_000)}\r\n\r\n`;
    const started = performance.now();
    const loris = new Promise<{ sent: number; response: string }>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let sent = 0;
      let response = "";
      const drip = setInterval(() => {
        if (sent < text.length && !socket.destroyed) socket.write(text[sent++]!);
      }, 10);
      socket.on("data", (data) => (response += data.toString()));
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(drip);
        resolve({ sent, response });
      });
    });
    const other = await fetch(`http://127.0.0.1:${port}/v1/models`);
    expect(other.status).toBe(200);
    const { sent, response } = await loris;
    expect(response.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(sent).toBeLessThan(text.length);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

/** Sends a JSON POST of `total` bytes as fast as the socket takes them; stops when the server answers or closes. */
function postHuge(
  port: number,
  framing: "length" | "chunked",
  total: number,
): Promise<{ status: number; written: number; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let response = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const [head = "", body = ""] = response.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), written, body });
    };
    socket.on("data", (data) => {
      response += data.toString();
      const head = response.split("\r\n\r\n")[0] ?? "";
      const length = /content-length: (\d+)/i.exec(head)?.[1];
      if (length !== undefined && Buffer.byteLength(response) >= Buffer.byteLength(head) + 4 + Number(length))
        finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        (framing === "length" ? `Content-Length: ${total}\r\n\r\n` : "Transfer-Encoding: chunked\r\n\r\n"),
    );
    const frame =
      framing === "length"
        ? piece
        : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
    const pump = () => {
      while (!done && written < total) {
        written += piece.length;
        if (!socket.write(frame)) {
          socket.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}
