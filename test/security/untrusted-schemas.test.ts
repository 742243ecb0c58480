import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentFile } from "../../src/agents/load-agent-file.js";
import { type ApiServer, agentSpec, startApiServer } from "../../src/server/api/api-server.fixture.js";
import {
  FORGED_MODEL,
  type ForgedServer,
  startForgedServer,
} from "../../src/server/forged-server.fixture.js";
import { ConfigError } from "../../src/spec/errors.js";

// Issue 10, finding 1 (untrusted regular expressions) and finding 9's save-time checks (YAML alias bombs,
// tool schemas that are not JSON Schemas, URL schemes, `__proto__` keys). Each test fails on the code
// before the fix: a stalled server, a 500, or a broken spec accepted.

const evilPattern = "^(a+)+$";
/** 34 `a`s and a `!`: a backtracking engine tries 2^34 ways to split the a's before it gives up. */
const evilInput = `${"a".repeat(34)}!`;

function webhook(inputSchema: unknown, extra: Record<string, unknown> = {}) {
  return {
    type: "webhook",
    name: "check_code",
    description: "Checks a discount code.",
    url: "https://codes.example.com/check",
    inputSchema,
    ...extra,
  };
}

const codeSchema = (code: Record<string, unknown>) => ({
  type: "object",
  properties: { code: { type: "string", ...code } },
  required: ["code"],
});

describe("finding 1: an untrusted pattern cannot stall the server", () => {
  const fixture = fileURLToPath(new URL("./__fixtures__/scripted-agent-server.ts", import.meta.url));
  let child: ChildProcess;
  let base: string;
  let admin: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ["--import", "tsx", fixture], {
      env: {
        ...process.env,
        ALQ_TOOL: "check_code",
        ALQ_ARGUMENTS: JSON.stringify({ code: evilInput }),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const ready = await new Promise<{ port: number; admin: string }>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stderr?.on("data", (chunk) => {
        err += chunk;
      });
      child.stdout?.on("data", (chunk) => {
        out += chunk;
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line));
      });
      child.on("exit", (code) => reject(new Error(`the server exited (${code}) before listening:\n${err}`)));
    });
    base = `http://127.0.0.1:${ready.port}`;
    admin = ready.admin;
  }, 60_000);
  afterAll(() => {
    // SIGKILL: a process stuck in a regular expression does not run its SIGTERM handler.
    child?.kill("SIGKILL");
  });

  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json", ...init.headers },
    });

  // Past the save-time checks (they refuse this pattern now): see the fixture's `/test/agents`.
  const saveAgent = (schema: unknown) =>
    request("/test/agents/shop", {
      method: "PUT",
      body: JSON.stringify(agentSpec("shop", { model: "scripted", tools: [webhook(schema)] })),
    });
  const askAgent = (signal?: AbortSignal) =>
    request("/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify({
        model: "agent:shop",
        user: "visitor-1",
        messages: [{ role: "user", content: "¿Vale mi código?" }],
      }),
      ...(signal ? { signal } : {}),
    });

  it("a webhook's `^(a+)+$` against 34 a's and a `!`: the turn answers in < 2 s, /healthz in < 100 ms meanwhile", async () => {
    // A first turn whose arguments fail on their length loads and compiles every part a turn uses: the
    // measured turn then differs from it only by its pattern.
    expect((await saveAgent(codeSchema({ maxLength: 5 }))).status).toBe(201);
    expect((await askAgent(AbortSignal.timeout(10_000))).status).toBe(200);
    const put = await saveAgent(codeSchema({ pattern: evilPattern }));
    expect(put.status, await put.clone().text()).toBe(200);

    const loopDelay = async (): Promise<number> => {
      const res = await fetch(`${base}/test/event-loop-delay`, { signal: AbortSignal.timeout(1_000) });
      return ((await res.json()) as { maxMs: number }).maxMs;
    };
    await loopDelay(); // from now on

    const started = performance.now();
    let turnMs: number | undefined;
    const turn = askAgent(AbortSignal.timeout(5_000)).then(async (res) => {
      turnMs = performance.now() - started;
      return { status: res.status, body: await res.text() };
    });
    // /healthz, asked again and again while the turn runs (and 300 ms at least).
    const probes: number[] = [];
    while (
      (turnMs === undefined || performance.now() - started < 300) &&
      performance.now() - started < 2_500
    ) {
      const sent = performance.now();
      const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) })
        .then((res) => res.ok)
        .catch(() => false);
      probes.push(ok ? performance.now() - sent : Number.POSITIVE_INFINITY);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answer = await turn.catch((error: Error) => ({ status: 0, body: error.message }));

    expect(answer.status, answer.body).toBe(200);
    expect(turnMs).toBeLessThan(2_000);
    // Inside the server, the event loop never waited 100 ms: no request, /healthz included, did.
    expect(await loopDelay()).toBeLessThan(100);
    // Seen from outside (another process, on a shared machine: scheduling adds its own noise), every
    // probe was answered and the typical one well within 100 ms.
    const shown = `healthz latencies: ${probes.map((ms) => ms.toFixed(1)).join(", ")}`;
    expect(probes.every(Number.isFinite), shown).toBe(true);
    expect([...probes].sort((a, b) => a - b)[Math.floor(probes.length / 2)], shown).toBeLessThan(100);
    expect(JSON.parse(answer.body).choices[0].message.content).toBe("done");
    // The pattern was checked, not skipped: the model got `invalid_arguments` saying so.
    const conversation = JSON.parse(answer.body).choices[0].alambique.conversation_id as string;
    const trace = await (await request(`/api/conversations/${conversation}`)).text();
    expect(trace).toContain("invalid_arguments");
    expect(trace).toContain("must match pattern ^(a+)+$");
  }, 20_000);
});

describe("finding 1: patterns refused where they are saved, and where a grammar would be built from them", () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer();
  });
  afterAll(() => server.close());

  const put = (key: string, name: string, spec: unknown, headers: Record<string, string> = {}) =>
    server.call(key, {
      method: "PUT",
      url: `/api/agents/${name}`,
      payload: typeof spec === "string" ? spec : JSON.stringify(spec),
      headers: { "content-type": "application/json", ...headers },
    });

  it("a pattern RE2 takes but the embedded engine's grammar cannot constrain is refused at save time", async () => {
    const res = await put(
      server.other.admin,
      "shop",
      agentSpec("shop", { tools: [webhook(codeSchema({ pattern: "^(a+)+$" }))] }),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toMatch(/^tools\[0\]\.inputSchema\.properties\.code/);
    expect(res.json().error.message).toMatch(/more than one way|ambiguous/i);
  });

  it("a backreference or a lookaround pattern is refused at save time with the path of the pattern", async () => {
    const cases = [
      {
        schema: codeSchema({ pattern: "^(a)\\1$" }),
        param: "tools[0].inputSchema.properties.code.pattern",
        words: "backreference",
      },
      {
        schema: codeSchema({ pattern: "^(?=a)a+$" }),
        param: "tools[0].inputSchema.properties.code.pattern",
        words: "lookaround",
      },
      {
        schema: { type: "object", patternProperties: { "^(?<!x)y$": { type: "string" } } },
        param: "tools[0].inputSchema.patternProperties.^(?<!x)y$",
        words: "lookaround",
      },
    ];
    for (const { schema, param, words } of cases) {
      const res = await put(server.other.admin, "shop", agentSpec("shop", { tools: [webhook(schema)] }));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.param).toBe(param);
      expect(res.json().error.message).toContain(words);
    }
  });

  describe("with the embedded engine", () => {
    let forged: ForgedServer;
    beforeAll(async () => {
      forged = await startForgedServer();
    }, 60_000);
    afterAll(() => forged?.close());

    it("a response_format pattern whose grammar would stall llama.cpp's sampler is refused up front, saying why", async () => {
      // Measured on the forged model before the fix: 64 tokens of `^((a+){10}){10}$` took 125 s (2 s a token).
      const started = performance.now();
      const res = await fetch(`${forged.baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: FORGED_MODEL,
          max_tokens: 64,
          messages: [{ role: "user", content: "code?" }],
          response_format: {
            type: "json_schema",
            json_schema: { name: "code", schema: codeSchema({ pattern: "^((a+){10}){10}$" }) },
          },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.text();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(res.status, body).toBe(400);
      expect(body).toContain("nested");
    }, 30_000);
  });
});

describe("finding 9: broken specs refused at save time with a clear 400", () => {
  let server: ApiServer;
  let dir: string;
  beforeAll(async () => {
    server = await startApiServer();
    dir = mkdtempSync(join(tmpdir(), "alq-untrusted-specs-"));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (name: string, payload: string, contentType = "application/json") =>
    server.call(server.other.admin, {
      method: "PUT",
      url: `/api/agents/${name}`,
      payload,
      headers: { "content-type": contentType },
    });

  /** Nine levels of nine aliases each: 387 million `lol`s once expanded. */
  const aliasBomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ..."bcdefghi"
      .split("")
      .map((key, i) => `${key}: &${key} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(",")}]`),
    "name: bomb",
    "persona: boom",
  ].join("\n");

  it("a YAML alias bomb PUT to /api/agents answers 400 invalid_yaml, not a 500", async () => {
    const res = await put("bomb", aliasBomb, "application/yaml");
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe("invalid_yaml");
    expect(res.json().error.message).toContain("alias");
  });

  it("a YAML alias bomb in an agent file is a ConfigError naming the file", () => {
    const file = join(dir, "bomb.yaml");
    writeFileSync(file, aliasBomb);
    let error: unknown;
    try {
      loadAgentFile(file);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error), String(error)).toBe(true);
    expect((error as ConfigError).message).toContain("bomb.yaml");
    expect((error as ConfigError).message).toContain("alias");
  });

  const notSchemas = [
    {
      inputSchema: { type: "object", properties: { a: { type: "banana" } } },
      path: "tools[0].inputSchema.properties.a.type",
    },
    { inputSchema: { type: "object", properties: 5 }, path: "tools[0].inputSchema.properties" },
    { inputSchema: { type: "object", required: "a" }, path: "tools[0].inputSchema.required" },
    {
      inputSchema: { type: "object", properties: { a: { type: "string", minLength: -1 } } },
      path: "tools[0].inputSchema.properties.a.minLength",
    },
  ];

  it("a tool inputSchema that is not a JSON Schema is refused by PUT /api/agents, naming the path", async () => {
    for (const { inputSchema, path } of notSchemas) {
      const res = await put("shop", JSON.stringify(agentSpec("shop", { tools: [webhook(inputSchema)] })));
      expect(res.statusCode, `${JSON.stringify(inputSchema)}: ${res.body}`).toBe(400);
      expect(res.json().error.param).toBe(path);
    }
  });

  it("a tool inputSchema that is not a JSON Schema is refused by `agents create` (the agent file), naming the path", () => {
    for (const [i, { inputSchema, path }] of notSchemas.entries()) {
      const file = join(dir, `shop-${i}.json`);
      writeFileSync(file, JSON.stringify(agentSpec("shop", { tools: [webhook(inputSchema)] })));
      // The YAML reader's own form of the path: `tools.0.inputSchema.properties.a.type`, with its line.
      expect(() => loadAgentFile(file), JSON.stringify(inputSchema)).toThrow(
        path.replace(/\[(\d+)\]/g, ".$1"),
      );
    }
  });

  it("webhook and MCP URLs other than http(s) are refused at save time, naming the field", async () => {
    const cases = [
      { tool: webhook({ type: "object" }, { url: "file:///etc/passwd" }), param: "tools[0].url" },
      {
        tool: webhook({ type: "object" }, { url: "gopher://codes.example.com:70/_x" }),
        param: "tools[0].url",
      },
      {
        tool: { type: "mcp", name: "crm", transport: { kind: "http", url: "ftp://crm.example.com/mcp" } },
        param: "tools[0].transport.url",
      },
    ];
    for (const { tool, param } of cases) {
      for (const key of [server.other.admin, server.operator.admin]) {
        const res = await server.call(key, {
          method: "PUT",
          url: "/api/agents/shop",
          payload: agentSpec("shop", { tools: [tool] }),
        });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.param).toBe(param);
        expect(res.json().error.message).toContain("http");
      }
    }
  });

  it("a JSON body with a `__proto__` key answers 400 naming the key, not 'not valid JSON'", async () => {
    const res = await put("shop", '{"persona":"p","guardrails":{"__proto__":{"redactPii":false}}}');
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.message).toContain("__proto__");
    expect(error.message).not.toContain("not valid JSON");
    expect(error.param).toBe("guardrails.__proto__");
  });
});
