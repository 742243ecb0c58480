import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress } from "../../agents/index.js";
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import { type ApiServer, agentSpec, startApiServer, type TestTenant } from "./api-server.fixture.js";

/**
 * `POST /api/agents/:name/tools/test` against a real webhook on 127.0.0.1:
 * the operator's agents may call the server's own network (as the demo's
 * order-status webhook does), every other tenant's only the public internet,
 * checked when the URL is read and again when the connection is made.
 */
let server: ApiServer;
let shop: LocalHttpServer;
const seen: { method: string; url: string; body: string; key: string | undefined }[] = [];
/** When the webhook's caller hung up on `/hang`, ms since the epoch. */
const hungUp: number[] = [];
const secretName = "ALQ_TOOL_TEST_SHOP_KEY";
const secretValue = "shop-key-only-the-operator-has";
/** This machine's name, when it resolves to a private address (it usually does: /etc/hosts). */
const name = hostname();
const local = (await lookup(name, { all: true }).catch(() => [])).every((a) => !isPublicAddress(a.address));

beforeAll(async () => {
  process.env[secretName] = secretValue;
  shop = await startLocalHttpServer((req, res, _i, body) => {
    seen.push({ method: req.method!, url: req.url!, body, key: req.headers["x-shop-key"] as string });
    const path = new URL(req.url!, "http://x").pathname;
    if (path === "/slow") return void setTimeout(() => res.end("late"), 2000);
    // Never answers; tells when the caller hangs up.
    if (path === "/hang") return void res.on("close", () => hungUp.push(Date.now()));
    if (path === "/down") {
      res.writeHead(503, { "content-type": "text/plain" });
      return void res.end("maintenance until noon");
    }
    if (path === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("pan ".repeat(50_000));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ method: req.method, query: req.url, received: body ? JSON.parse(body) : null }));
  });
  server = await startApiServer();
  for (const keys of [server.operator, server.other]) {
    const put = await server.call(keys.admin, {
      method: "PUT",
      url: "/api/agents/horno",
      payload: agentSpec("horno", {
        tools: keys === server.operator ? [webhook({ name: "order_status", method: "GET" })] : [],
      }),
    });
    expect(put.statusCode, put.body).toBe(201);
  }
});
afterAll(async () => {
  delete process.env[secretName];
  await server.close();
  await shop.close();
});

function webhook(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "webhook",
    name: "place_order",
    description: "Places an order for pickup.",
    url: `${shop.url}/orders`,
    inputSchema: {
      type: "object",
      properties: { item: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
      required: ["item"],
    },
    ...extra,
  };
}

const test = (keys: TestTenant | string, payload: Record<string, unknown>, agent = "horno") =>
  server.call(typeof keys === "string" ? keys : keys.admin, {
    method: "POST",
    url: `/api/agents/${agent}/tools/test`,
    payload,
  });

describe("POST /api/agents/:name/tools/test", () => {
  it("calls a saved tool by name and an unsaved one as written, and answers what the model would read", async () => {
    const saved = await test(server.operator, {
      tool: "order_status",
      arguments: { item: "pan", quantity: 2 },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      ok: true,
      status: 200,
      error: null,
      answer: { data: { method: "GET", query: "/orders?item=pan&quantity=2", received: null } },
    });
    expect(saved.json().latencyMs).toBeGreaterThanOrEqual(0);

    const before = seen.length;
    const draft = await test(server.operator, {
      tool: webhook({ headers: { "x-shop-key": { secret: secretName } } }),
      arguments: { item: "croissant" },
    });
    expect(draft.json()).toMatchObject({
      ok: true,
      status: 200,
      answer: { data: { method: "POST", received: { item: "croissant" } } },
    });
    expect(seen.slice(before)).toEqual([
      { method: "POST", url: "/orders", body: '{"item":"croissant"}', key: secretValue },
    ]);
  });

  it("reports a failed call as data with its hint: bad arguments, a missing secret, a timeout, a 503", async () => {
    const before = seen.length;
    const invalid = await test(server.operator, { tool: webhook(), arguments: { quantity: 0 } });
    expect(invalid.statusCode).toBe(200);
    expect(invalid.json()).toMatchObject({
      ok: false,
      status: null,
      answer: null,
      error: { code: "invalid_arguments" },
    });
    expect(invalid.json().error.issues.length).toBeGreaterThan(0);
    const missing = await test(server.operator, {
      tool: webhook({ headers: { "x-shop-key": { secret: "ALQ_TOOL_TEST_NOT_SET" } } }),
      arguments: { item: "pan" },
    });
    expect(missing.json().error).toMatchObject({ code: "missing_secret" });
    expect(missing.json().error.hint).toContain("ALQ_TOOL_TEST_NOT_SET");
    expect(seen.length).toBe(before); // neither was sent

    const slow = await test(server.operator, {
      tool: webhook({ url: `${shop.url}/slow`, method: "GET", timeoutMs: 200 }),
      arguments: { item: "pan" },
    });
    expect(slow.json()).toMatchObject({ ok: false, error: { code: "timeout", retryable: true } });
    expect(slow.json().latencyMs).toBeGreaterThanOrEqual(190);
    expect(slow.json().error.hint).toMatch(/try once more/i);
    const down = await test(server.operator, {
      tool: webhook({ url: `${shop.url}/down` }),
      arguments: { item: "pan" },
    });
    expect(down.json()).toMatchObject({
      ok: false,
      status: 503,
      error: { code: "http_status", retryable: true },
    });
    expect(down.json().error.message).toContain("maintenance until noon");
  });

  it("cuts a long answer at the tool's size cap", async () => {
    const big = await test(server.operator, {
      tool: webhook({ url: `${shop.url}/big`, method: "GET", maxResponseBytes: 1000 }),
      arguments: { item: "pan" },
    });
    expect(big.json()).toMatchObject({ ok: true, status: 200, answer: { truncated: true } });
    expect(big.json().answer.text).toHaveLength(1000);
  });

  it("keeps another tenant to the public internet and away from the server's secrets", async () => {
    const before = seen.length;
    const loopback = await test(server.other, { tool: webhook(), arguments: { item: "pan" } });
    expect(loopback.statusCode).toBe(403);
    expect(loopback.json().error).toMatchObject({ code: "operator_only", param: "tool.url" });
    const secret = await test(server.other, {
      tool: webhook({
        url: "https://shop.example/orders",
        headers: { "x-shop-key": { secret: secretName } },
      }),
      arguments: { item: "pan" },
    });
    expect(secret.statusCode).toBe(403);
    expect(secret.json().error.param).toBe("tool.headers.x-shop-key");
    expect(secret.body).not.toContain(secretValue);
    expect(seen.length).toBe(before);
  });

  // A name the URL check cannot judge: refused when it connects (the runtime's publicFetch), nothing sent.
  it.runIf(local)(
    `refuses another tenant's call to a name that resolves to this machine (${name})`,
    async () => {
      const before = seen.length;
      const port = new URL(shop.url).port;
      const res = await test(server.other, {
        tool: webhook({ url: `http://${name}:${port}/orders` }),
        arguments: { item: "pan" },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        ok: false,
        status: null,
        error: { code: "address_refused", retryable: false },
      });
      expect(res.json().error.hint).toMatch(/public/);
      expect(seen.length).toBe(before);
    },
  );

  it("refuses a tool that is not there, a broken definition, and another tenant's agent", async () => {
    const unknown = await test(server.operator, { tool: "nope" });
    expect(unknown.statusCode).toBe(404);
    const broken = await test(server.operator, {
      tool: webhook({ url: "ftp://shop.example/" }),
      arguments: {},
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.param).toBe("tool.url");
    const mcp = await test(server.operator, { tool: { type: "mcp", name: "x" } });
    expect(mcp.statusCode).toBe(400);
    // `horno` of the other tenant has no such tool, and the operator's is not the other tenant's to call.
    expect((await test(server.other, { tool: "order_status" })).statusCode).toBe(404);
    expect((await test(server.other, { tool: "order_status" }, "nadie")).statusCode).toBe(404);
  });

  it("hangs up on the webhook when the owner leaves before it answers", async () => {
    const base = (await server.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
    const leave = new AbortController();
    const pending = fetch(`${base}/api/agents/horno/tools/test`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.operator.admin}`, "content-type": "application/json" },
      body: JSON.stringify({
        tool: webhook({ url: `${shop.url}/hang`, timeoutMs: 60_000 }),
        arguments: { item: "pan" },
      }),
      signal: leave.signal,
    }).catch(() => "left");
    await expect.poll(() => seen.some((s) => s.url === "/hang")).toBe(true);
    const left = Date.now();
    leave.abort();
    expect(await pending).toBe("left");
    // Well before the tool's own 60 s limit: the call is cancelled, not waited for.
    await expect.poll(() => hungUp.length, { timeout: 5000 }).toBe(1);
    expect(hungUp[0]! - left).toBeLessThan(5000);
  });

  it("counts against the key's rate limit, as every admin route does", async () => {
    const limited = await startApiServer({ limits: { requestsPerMinute: 3 } });
    try {
      const before = seen.length;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.call(limited.operator.admin, {
          method: "POST",
          url: "/api/agents/nadie/tools/test",
          payload: { tool: webhook(), arguments: { item: "pan" } },
        });
        statuses.push(res.statusCode);
      }
      // No such agent here: the first three are answered (404), the rest refused before anything runs.
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      expect(seen.length).toBe(before);
    } finally {
      await limited.close();
    }
  });

  it("refuses chat keys and visitors", async () => {
    const before = seen.length;
    const visitor = await server.openVisitor(server.operator.chat, "horno").catch(() => undefined);
    for (const key of [server.operator.chat, ...(visitor ? [visitor.token] : [])]) {
      const res = await test(key, { tool: "order_status", arguments: { item: "pan" } });
      expect(res.statusCode, res.body).toBe(403);
    }
    expect(seen.length).toBe(before);
  });
});
