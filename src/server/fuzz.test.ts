import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../agents/agent-runtime.js";
import { seedDemoAgent } from "../agents/demo-agent.fixture.js";
import type { Store } from "../spec/store.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/open-store.js";
import { createServer } from "./create-server.js";
import { instantModel, instantResolver } from "./openai/instant-model.fixture.js";

// Thousands of random and mutated requests to every registered route, through app.inject():
// no 5xx, every error OpenAI-shaped, no crash, no prototype pollution, memory flat.
// Reproduce a failure with FUZZ_SEED=<the seed in the message> npx vitest run src/server/fuzz.test.ts

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4_000);
const WARM_UP = 1_600;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Route {
  method: string;
  url: string;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const chatSeeds: Json[] = [
  { model: "instant", messages: [{ role: "user", content: "hola" }] },
  {
    model: "instant",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
    tool_choice: "auto",
    max_tokens: 16,
    temperature: 0.5,
    stop: ["\n"],
  },
  {
    model: "instant",
    messages: [{ role: "user", content: "hola" }],
    stream: true,
    stream_options: { include_usage: true },
  },
  {
    model: "instant",
    messages: [{ role: "user", content: "json" }],
    response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
  },
  { model: "agent:la-espiga", user: "fuzz", messages: [{ role: "user", content: "¿abrís el domingo?" }] },
  {
    model: "agent:la-espiga",
    user: "fuzz-s",
    stream: true,
    messages: [{ role: "user", content: "pan sin gluten" }],
  },
];

/** Valid bodies by route, to mutate; other routes get the generic ones. */
const seeds: Record<string, Json[]> = {
  "POST /v1/chat/completions": chatSeeds,
  "POST /v1/embeddings": [
    { model: "instant", input: "hola" },
    { model: "instant", input: ["a", "b"], encoding_format: "base64" },
  ],
  "POST /api/tenants": [{ slug: "fuzz-tenant", name: "Fuzz" }],
  "POST /api/keys": [{ name: "fuzz", scopes: ["chat"] }],
  "PUT /api/agents/:name": [{ name: "fuzzed", persona: "The fuzzed agent." }],
  "POST /api/conversations/:id/reply": [{ text: "Hola, soy Marta.", staff: "marta" }],
  "POST /api/visitor-sessions": [{ agent: "la-espiga" }, { agent: "la-espiga", resume: "alv_e30.AAAA" }],
};
const genericSeeds: Json[] = [{}, [], { name: "x" }, { model: "instant", input: "x", messages: [] }];

const paramValues = [
  "instant",
  "agent:la-espiga",
  "fuzzed",
  "nobody",
  "0195f1a2-0000-7000-8000-000000000000",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "a".repeat(300),
  "ñandú-🥐",
  "__proto__",
  "constructor",
];

/** The other content types a body is sometimes sent with (most go as application/json). */
const contentTypes = [
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "multipart/form-data",
  "application/yaml",
  "",
];

function randomString(r: Rng): string {
  switch (r.int(0, 6)) {
    case 0:
      return "";
    case 1:
      return "\u0000\ud800\udfff\u202e\ufeff";
    case 2:
      return "x".repeat(r.int(1, 2_000));
    case 3:
      return "agent:la-espiga";
    case 4:
      return "instant";
    case 5:
      return String.fromCharCode(...Array.from({ length: r.int(1, 40) }, () => r.int(0, 0xffff)));
    default:
      return r.pick(["user", "assistant", "system", "tool", "developer", "function", "text", "image_url"]);
  }
}

function randomJson(r: Rng, depth = 0): Json {
  const kind = r.int(0, depth > 3 ? 3 : 6);
  switch (kind) {
    case 0:
      return r.pick([null, true, false]);
    case 1:
      return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, 3]);
    case 2:
    case 3:
      return randomString(r);
    case 4:
      return Array.from({ length: r.int(0, 4) }, () => randomJson(r, depth + 1));
    default: {
      const out: { [key: string]: Json } = {};
      for (let i = r.int(0, 4); i > 0; i--) {
        out[
          r.pick(["model", "messages", "role", "content", "input", "name", "type", "x", "user", "stream"])
        ] = randomJson(r, depth + 1);
      }
      return out;
    }
  }
}

/** Every [container, key] in a value, to pick a place to mutate. */
function places(value: Json, out: [Json[] | { [key: string]: Json }, string | number][] = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      places(item, out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.push([value, key]);
      places(item, out);
    }
  }
  return out;
}

function mutate(r: Rng, seed: Json): Json {
  const value = structuredClone(seed);
  const spots = places(value);
  for (let n = r.int(1, 3); n > 0 && spots.length > 0; n--) {
    const [container, key] = r.pick(spots);
    const set = (v: Json) => ((container as Record<string | number, Json>)[key] = v);
    switch (r.int(0, 5)) {
      case 0:
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key as string];
        break;
      case 1:
        set(randomJson(r));
        break;
      case 2:
        set("y".repeat(r.pick([10_000, 300_000, 3_000_000])));
        break;
      case 3:
        set(r.pick([[], {}, null, 0, "", true]));
        break;
      case 4: {
        const copy = (container as Record<string | number, Json>)[key];
        if (Array.isArray(container)) container.push(structuredClone(copy ?? null));
        else set([copy ?? null, copy ?? null]);
        break;
      }
      default:
        set(randomString(r));
    }
  }
  return value;
}

/** The request body as bytes, sometimes broken in ways JSON.stringify cannot produce. */
function serialise(r: Rng, value: Json): string | Buffer {
  const text = JSON.stringify(value);
  switch (r.int(0, 19)) {
    case 0:
      // Prototype pollution attempts, at the top and nested.
      return text.replace(
        /^\{/,
        r.pick([
          '{"__proto__":{"polluted":"yes"},',
          '{"constructor":{"prototype":{"polluted":"yes"}},',
          '{"messages":[{"__proto__":{"role":"user"},"role":"user","content":"x"}],',
        ]),
      );
    case 1: {
      // A duplicated key: JSON.parse keeps the last one.
      const key = r.pick(["model", "messages", "stream", "user", "input", "name"]);
      return text.replace(/^\{/, `{"${key}":${JSON.stringify(randomJson(r))},`);
    }
    case 2: {
      // Invalid UTF-8 inside a string.
      const at = text.indexOf('"', 1);
      const bytes = Buffer.from(
        r.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0xbc], [0x80, 0x80]]),
      );
      if (at < 0) return Buffer.concat([Buffer.from(text), bytes]);
      return Buffer.concat([Buffer.from(text.slice(0, at + 1)), bytes, Buffer.from(text.slice(at + 1))]);
    }
    case 3: {
      // Deep nesting, as a field's value and as the whole body.
      const depth = r.pick([100, 5_000, 100_000]);
      const [open, close] = r.chance(0.5) ? ["[", "]"] : ['{"a":', "}"];
      const nested = open.repeat(depth) + (open === "[" ? "" : "1") + close.repeat(depth);
      if (r.chance(0.3)) return nested;
      const field = r.pick(["messages", "input", "tools", "response_format", "spec", "stop", "x"]);
      return text.replace(/^\{/, `{"${field}":${nested},`);
    }
    case 4:
      return text.slice(0, r.int(0, text.length));
    case 5:
      return Buffer.from(Array.from({ length: r.int(0, 300) }, () => r.int(0, 255)));
    case 6:
      return text.replace(/\d+/, r.pick(["1e999", "-0", "0.1e-400", "123456789012345678901234567890"]));
    default:
      return text;
  }
}

/**
 * A route to call: chat completions most often (it is where the traffic and the
 * complexity are), then embeddings, then any registered route alike, and now
 * and then one that does not exist.
 */
function pickRoute(r: Rng, routes: Route[]): Route {
  const roll = r.next();
  if (roll < 0.35) return { method: "POST", url: "/v1/chat/completions" };
  if (roll < 0.45) return { method: "POST", url: "/v1/embeddings" };
  if (roll < 0.48) {
    return {
      method: r.pick(["GET", "POST", "PATCH", "OPTIONS"]),
      url: r.pick(["/", "/v1", "/v2/chat", "/api/nope"]),
    };
  }
  return r.pick(routes);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The heap in use after the most thorough collection V8 has: the one a heap
 * snapshot starts with. A plain `gc()` leaves V8's compilation cache alone,
 * and a regular expression compiled from one fuzzed body can hold megabytes
 * there for a while, which would read as a leak. Takes a second or so.
 */
function liveHeap(dir: string): number {
  const file = writeHeapSnapshot(join(dir, "fuzz.heapsnapshot"));
  rmSync(file, { force: true });
  return process.memoryUsage().heapUsed;
}

/**
 * Routes whose answer to an authorised GET is a stream that stays open until the client leaves (app.inject
 * would wait for its end forever); they have their own tests (conversation-events-route.test.ts).
 */
const endlessStreams = new Set(["GET /api/conversation-events"]);

describe("fuzzing every route", () => {
  let dir: string;
  let store: Store;
  let runtime: AgentRuntime;
  let app: FastifyInstance;
  let admin: string;
  let chat: string;
  let visitor: string;
  const routes: Route[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "alq-fuzz-"));
    store = await openStore(join(dir, "alambique.db"));
    const tenant = await defaultTenant(store);
    admin = (await store.apiKeys.create({ tenantId: tenant.id, name: "admin", scopes: ["admin"] })).secret;
    chat = (await store.apiKeys.create({ tenantId: tenant.id, name: "chat", scopes: ["chat"] })).secret;
    await seedDemoAgent(store, tenant.id);
    const models = instantResolver({ instant: instantModel() });
    runtime = new AgentRuntime({ store, models });
    app = createServer({
      store,
      models,
      agents: runtime,
      uploadDir: join(dir, "uploads"),
      limits: { requestsPerMinute: 0 },
    });
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) {
        if (!endlessStreams.has(`${method} ${route.url}`)) routes.push({ method, url: route.url });
      }
    });
    await app.ready();
    const opened = await app.inject({
      method: "POST",
      url: "/api/visitor-sessions",
      headers: { authorization: `Bearer ${chat}` },
      payload: { agent: "la-espiga" },
    });
    visitor = opened.json().token;
  });
  afterAll(async () => {
    await app.close();
    await runtime.dispose();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${REQUESTS} random and mutated requests without a 5xx, a crash or a leak (seed ${SEED})`, async () => {
    const names = routes.map((route) => `${route.method} ${route.url}`);
    for (const expected of [
      "POST /v1/chat/completions",
      "GET /v1/models/:model",
      "POST /v1/embeddings",
      "GET /readyz",
      "GET /metrics",
    ]) {
      expect(names).toContain(expected);
    }
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on("unhandledRejection", onCrash);
    process.on("uncaughtException", onCrash);

    // Every route once with each of its seeds first, so that one-time caches (the OpenAPI document,
    // compiled serialisers) are filled before memory is measured.
    for (const route of routes) {
      for (const seed of seeds[`${route.method} ${route.url}`] ?? genericSeeds) {
        await app.inject({
          method: route.method as InjectOptions["method"],
          url: route.url.replace(/:[A-Za-z]+/g, "la-espiga"),
          headers: { authorization: `Bearer ${admin}` },
          ...(route.method === "GET" || route.method === "HEAD" ? {} : { payload: seed as object }),
        });
      }
    }

    // The live heap once the last requests are done with: a few small requests first, so that what
    // the last fuzzed ones left in reusable places (V8 keeps the last RegExp input) is replaced.
    const settledHeap = async () => {
      for (let i = 0; i < 20; i++) await app.inject({ url: "/healthz" });
      await new Promise((resolve) => setImmediate(resolve));
      return liveHeap(dir);
    };

    const r = prng(SEED);
    const statuses = new Map<number, number>();
    let heapAfterWarmUp = 0;
    let rssAfterWarmUp = 0;
    try {
      for (let i = 0; i < REQUESTS; i++) {
        if (i === WARM_UP) {
          heapAfterWarmUp = await settledHeap();
          rssAfterWarmUp = process.memoryUsage().rss;
        }
        const route = pickRoute(r, routes);
        const url =
          route.url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(r.pick(paramValues))) +
          (r.chance(0.2)
            ? r.pick(["?limit=-1", "?agent=la-espiga&status=bogus", "?x=%ff", "?__proto__[a]=1"])
            : "");
        const seedList = seeds[`${route.method} ${route.url}`] ?? genericSeeds;
        const value = r.chance(0.1)
          ? randomJson(r)
          : r.chance(0.3)
            ? r.pick(seedList)
            : mutate(r, r.pick(seedList));
        const request: InjectOptions = {
          method: route.method as InjectOptions["method"],
          url,
          headers: {
            ...(r.chance(0.9)
              ? { authorization: `Bearer ${r.chance(0.7) ? admin : r.pick([chat, visitor])}` }
              : {}),
            ...(r.chance(0.1) ? { "x-alambique-user": r.pick(["u", "", " ", "x".repeat(300)]) } : {}),
            ...(r.chance(0.05) ? { "x-request-id": r.pick(["ok-1", "bad id", "x".repeat(200)]) } : {}),
          },
        };
        if (route.method !== "GET" && route.method !== "HEAD") {
          request.payload = serialise(r, value);
          const type = r.chance(0.85) ? "application/json" : r.pick(contentTypes);
          if (type !== "") (request.headers as Record<string, string>)["content-type"] = type;
        }
        const res = await app.inject(request);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const where = `seed ${SEED}, request ${i}: ${route.method} ${url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBeLessThan(500);
        if (res.statusCode >= 400 && route.method !== "HEAD") {
          const body = parsed(res.body) as { error?: { message?: unknown; code?: unknown; type?: unknown } };
          expect(typeof body.error?.message, where).toBe("string");
          expect(typeof body.error?.code, where).toBe("string");
          expect(typeof body.error?.type, where).toBe("string");
        }
        if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
          expect(res.body, where).not.toContain('"type":"server_error"');
          expect(res.body, where).toMatch(/data: (\[DONE\]|\{"error")[^\n]*\n\n$/);
        }
      }
    } finally {
      process.off("unhandledRejection", onCrash);
      process.off("uncaughtException", onCrash);
    }
    const heapAtEnd = await settledHeap();
    const { rss } = process.memoryUsage();
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.info(
      `fuzz: seed ${SEED}, ${REQUESTS} requests, ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
        `after warm-up → end: heap ${mib(heapAfterWarmUp)} → ${mib(heapAtEnd)} MiB, rss ${mib(rssAfterWarmUp)} → ${mib(rss)} MiB`,
    );
    expect(crashes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    // Requests in many kinds reached their handlers, not just the error paths.
    expect(statuses.get(200)).toBeGreaterThan(REQUESTS / 20);
    expect(heapAtEnd - heapAfterWarmUp).toBeLessThan(3 * 1024 * 1024);
    expect(rss - rssAfterWarmUp).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
