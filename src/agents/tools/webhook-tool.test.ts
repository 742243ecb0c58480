import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  closedPortUrl,
  type LocalHttpServer,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import { type WebhookToolSpec, webhookToolSpecSchema } from "../../spec/agent.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { executeAgentTool } from "./agent-tool.js";
import { createGuardedFetch } from "./public-network.js";
import type { ToolContext } from "./tool-context.js";
import type { ToolError } from "./tool-result.js";
import { callWebhook } from "./webhook-request.js";
import { createWebhookTool } from "./webhook-tool.js";

const orderSchema = {
  type: "object",
  properties: {
    item: { type: "string", minLength: 2 },
    quantity: { type: "integer", minimum: 1 },
    pickup: { type: "string", format: "date" },
    extras: { type: "array", items: { type: "string" } },
    note: { type: "string", default: "none" },
  },
  required: ["item", "quantity"],
  additionalProperties: false,
};

let world: ToolTestWorld;
const servers: LocalHttpServer[] = [];

beforeAll(async () => {
  world = await createToolTestWorld();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await world.close();
});

async function serve(handler: Parameters<typeof startLocalHttpServer>[0]): Promise<LocalHttpServer> {
  const server = await startLocalHttpServer(handler);
  servers.push(server);
  return server;
}

function webhook(url: string, extra: Partial<Record<keyof WebhookToolSpec, unknown>> = {}): WebhookToolSpec {
  return webhookToolSpecSchema.parse({
    type: "webhook",
    name: "place_order",
    description: "Places an order for pickup.",
    url,
    inputSchema: orderSchema,
    ...extra,
  });
}

function call(spec: WebhookToolSpec, input: unknown, context: Partial<ToolContext> = {}): Promise<unknown> {
  const full = { ...world.context, ...context };
  return executeAgentTool(createWebhookTool(spec, full), full, input, {
    toolCallId: "call-1",
    signal: undefined,
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

describe("webhook tools", () => {
  it("POSTs validated JSON arguments (defaults applied) and returns the parsed answer", async () => {
    const received: unknown[] = [];
    const server = await serve((req, res, _index, body) => {
      received.push({ method: req.method, type: req.headers["content-type"], body: JSON.parse(body) });
      json(res, 201, { orderId: "A-17" });
    });
    const result = await call(webhook(`${server.url}/orders`), {
      item: "croissant",
      quantity: 3,
      pickup: "2026-04-01",
    });
    expect(result).toEqual({ status: 201, data: { orderId: "A-17" } });
    expect(received).toEqual([
      {
        method: "POST",
        type: "application/json",
        body: { item: "croissant", quantity: 3, pickup: "2026-04-01", note: "none" },
      },
    ]);
    // What arrived satisfies the schema the agent's author wrote, checked independently of the tool.
    expect(
      z
        .fromJSONSchema(orderSchema as Parameters<typeof z.fromJSONSchema>[0])
        .safeParse((received[0] as { body: unknown }).body).success,
    ).toBe(true);
  });

  it("puts GET arguments in the query string, arrays as repeated keys", async () => {
    let url = "";
    const server = await serve((req, res) => {
      url = req.url ?? "";
      res.writeHead(200, { "content-type": "text/plain" }).end("in stock");
    });
    const spec = webhook(`${server.url}/stock?shop=centro`, { method: "GET" });
    const result = await call(spec, { item: "pan de centeno", quantity: 2, extras: ["a", "b"] });
    expect(result).toEqual({ status: 200, text: "in stock" });
    const query = new URL(url, "http://x").searchParams;
    expect([...query.entries()]).toEqual([
      ["shop", "centro"],
      ["item", "pan de centeno"],
      ["quantity", "2"],
      ["extras", "a"],
      ["extras", "b"],
      ["note", "none"],
    ]);
  });

  it("never calls the webhook with invalid arguments and says which fields are wrong", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const result = (await call(webhook(server.url), { item: "x", quantity: 0, colour: "red" })) as ToolError;
    expect(result).toMatchObject({ isError: true, code: "invalid_arguments", retryable: false });
    expect(result.issues?.map((issue) => issue.path).sort()).toEqual(["(arguments)", "item", "quantity"]);
    expect(result.error).toContain("nothing was done");
    expect(server.requests).toBe(0);
  });

  it("sends headers from named secrets, and sends nothing when a secret is missing", async () => {
    const seen: (string | undefined)[] = [];
    const server = await serve((req, res) => {
      seen.push(req.headers.authorization);
      json(res, 200, { ok: true });
    });
    const spec = webhook(server.url, {
      headers: { authorization: { secret: "ORDERS_TOKEN" }, "x-shop": "centro" },
    });
    const secrets = (name: string) => (name === "ORDERS_TOKEN" ? "Bearer s3cret-value" : undefined);
    expect(await call(spec, { item: "pan", quantity: 1 }, { secrets })).toEqual({
      status: 200,
      data: { ok: true },
    });
    expect(seen).toEqual(["Bearer s3cret-value"]);

    const missing = (await call(
      spec,
      { item: "pan", quantity: 1 },
      { secrets: () => undefined },
    )) as ToolError;
    expect(missing).toMatchObject({ isError: true, code: "missing_secret" });
    expect(missing.error).toContain("ORDERS_TOKEN");
    expect(missing.hint).toContain("environment variable ORDERS_TOKEN");
    expect(server.requests).toBe(1);
  });

  it("gives up after timeoutMs on a slow server", async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => json(res, 200, { late: true }), 3000).unref();
    });
    const started = Date.now();
    const result = await call(webhook(server.url, { timeoutMs: 200 }), { item: "pan", quantity: 1 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result).toMatchObject({ isError: true, code: "timeout", retryable: true });
    expect((result as ToolError).hint).toContain("do not repeat it blindly");
  });

  it("stops reading an endless answer at maxResponseBytes and says it was cut", async () => {
    let written = 0;
    let closed = false;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.on("close", () => {
        closed = true;
      });
      const chunk = "ñ".repeat(8 * 1024); // 16 KiB of two-byte characters
      const pump = () => {
        while (!closed && written < 64 * 2 ** 20) {
          written += chunk.length * 2;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const result = (await call(webhook(server.url, { maxResponseBytes: 1001 }), {
      item: "pan",
      quantity: 1,
    })) as {
      text: string;
      truncated: boolean;
      note: string;
    };
    expect(result.truncated).toBe(true);
    expect(result.note).toContain("1001 bytes");
    expect(result.text).toBe("ñ".repeat(500)); // the half character at the cut is dropped
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(16 * 2 ** 20);
  });

  it("reports a 500 with the server's words, as retryable", async () => {
    const server = await serve((_req, res) => json(res, 500, { error: "database down" }));
    const result = (await call(webhook(server.url), { item: "pan", quantity: 1 })) as ToolError;
    expect(result).toMatchObject({ isError: true, code: "http_status", status: 500, retryable: true });
    expect(result.error).toContain("HTTP 500");
    expect(result.error).toContain("database down");
  });

  it("reports a 422 as not retryable, and junk that claims to be JSON as bad_response", async () => {
    const refused = await serve((_req, res) => json(res, 422, { error: "sold out" }));
    expect(await call(webhook(refused.url), { item: "pan", quantity: 1 })).toMatchObject({
      code: "http_status",
      status: 422,
      retryable: false,
    });
    const junk = await serve((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end("<html>oops"),
    );
    const result = (await call(webhook(junk.url), { item: "pan", quantity: 1 })) as ToolError;
    expect(result).toMatchObject({ isError: true, code: "bad_response" });
    expect(result.error).toContain("<html>oops");
  });

  it("reports a server that is down as unreachable", async () => {
    const result = (await call(webhook(await closedPortUrl()), { item: "pan", quantity: 1 })) as ToolError;
    expect(result).toMatchObject({ isError: true, code: "unreachable", retryable: true });
    expect(result.error).toContain("ECONNREFUSED");
  });

  it("follows a redirect on the same host (307 keeps the POST) and refuses one to another host", async () => {
    const bodies: string[] = [];
    const server = await serve((req, res, _index, body) => {
      if (req.url === "/old") return void res.writeHead(307, { location: "/new" }).end();
      bodies.push(`${req.method} ${req.url} ${body}`);
      json(res, 200, { moved: true });
    });
    expect(await call(webhook(`${server.url}/old`), { item: "pan", quantity: 1 })).toEqual({
      status: 200,
      data: { moved: true },
    });
    expect(bodies).toEqual(['POST /new {"item":"pan","quantity":1,"note":"none"}']);

    const elsewhere = await serve((_req, res) => json(res, 200, { leaked: true }));
    const other = elsewhere.url.replace("127.0.0.1", "localhost");
    const redirecting = await serve((_req, res) => res.writeHead(302, { location: other }).end());
    const spec = webhook(redirecting.url, { headers: { authorization: { secret: "TOKEN" } } });
    const result = (await call(
      spec,
      { item: "pan", quantity: 1 },
      { secrets: () => "Bearer x" },
    )) as ToolError;
    expect(result).toMatchObject({ isError: true, code: "redirect_refused" });
    expect(result.error).toContain("localhost");
    expect(elsewhere.requests).toBe(0);
  });

  it("simulates calls with side effects in dry runs, but really runs GET", async () => {
    const server = await serve((_req, res) => json(res, 200, { stock: 4 }));
    const post = await call(webhook(server.url), { item: "pan", quantity: 1 }, { dryRun: true });
    expect(post).toMatchObject({ simulated: true });
    expect(server.requests).toBe(0);
    const get = await call(
      webhook(server.url, { method: "GET" }),
      { item: "pan", quantity: 1 },
      { dryRun: true },
    );
    expect(get).toEqual({ status: 200, data: { stock: 4 } });
    expect(server.requests).toBe(1);
  });

  it("keeps a tenant limited to public addresses off the server's own network (address_refused)", async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: true }));
    const port = new URL(server.url).port;
    for (const url of [server.url, `http://localhost:${port}/orders`]) {
      const result = await call(webhook(url), { item: "pan", quantity: 1 }, { network: "public" });
      expect(result, url).toMatchObject({ isError: true, code: "address_refused", retryable: false });
    }
    expect(server.requests).toBe(0);
    // The operator's agents ("any", the default) reach it.
    expect(await call(webhook(server.url), { item: "pan", quantity: 1 })).toEqual({
      status: 200,
      data: { ok: true },
    });
  });

  it("calls through the guarded fetch when the address is allowed, redirects included", async () => {
    // The guard's own machinery (undici with a checking DNS lookup) on loopback, which a test may allow.
    const guarded = createGuardedFetch((address) => address === "127.0.0.1" || address === "::1");
    const server = await serve((req, res) => {
      if (req.url?.startsWith("/old")) res.writeHead(302, { location: "/new" }).end();
      else json(res, 200, { path: req.url, stock: 4 });
    });
    const port = new URL(server.url).port;
    const answer = await callWebhook(
      webhook(`http://localhost:${port}/old`, { method: "GET" }),
      { item: "pan", quantity: 2 },
      new Headers({ accept: "application/json" }),
      undefined,
      guarded,
    );
    expect(answer).toEqual({ status: 200, data: { path: "/new", stock: 4 } });
  });

  it("refuses a schema that is not an object or that zod cannot check, naming where it is", () => {
    expect(() =>
      createWebhookTool(
        webhook("http://127.0.0.1:9", { inputSchema: { type: "string" } }),
        world.context,
        "tools[3]",
      ),
    ).toThrow(/tools\[3\]\.inputSchema must describe an object/);
    expect(() =>
      createWebhookTool(
        webhook("http://127.0.0.1:9", { inputSchema: { type: "object", not: { required: ["a"] } } }),
        world.context,
      ),
    ).toThrow(/cannot be checked: not is not supported/);
  });
});
