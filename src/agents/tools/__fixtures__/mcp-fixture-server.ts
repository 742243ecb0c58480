/**
 * A real MCP server for the tests, run as its own process:
 *
 *   node --import tsx mcp-fixture-server.ts stdio
 *   node --import tsx mcp-fixture-server.ts http PORT    (prints "listening PORT")
 *   node --import tsx mcp-fixture-server.ts silent       (reads stdio, never answers: a stuck server)
 *
 * Over HTTP, each DELETE that ends a session is printed as "deleted SESSION-ID".
 * Over HTTP it keeps sessions in memory (so a restarted server forgets them)
 * and, when FIXTURE_REQUIRED_TOKEN is set, answers 401 unless the request has
 * `authorization: Bearer <that token>`.
 *
 * Tools: echo (read-only), add (structured output), slow, fail (isError),
 * env (reads an environment variable), auth (the authorization header seen),
 * pid, place_order (a side effect).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });

function fixtureServer(): McpServer {
  const server = new McpServer({ name: "fixture", version: "1.0.0" });
  server.registerTool(
    "echo",
    {
      description: "Returns the text it is given.",
      inputSchema: { text: z.string() },
      annotations: { readOnlyHint: true },
    },
    async ({ text: value }) => text(value),
  );
  server.registerTool(
    "add",
    {
      description: "Adds two numbers.",
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    async ({ a, b }) => ({ ...text(String(a + b)), structuredContent: { sum: a + b } }),
  );
  // A hostile server's promise about its output: a pattern that backtracks forever on what it returns.
  server.registerTool(
    "evil_code",
    {
      description: "Returns a code its own output schema cannot check in linear time.",
      // The pattern only as JSON Schema (meta): the server itself must not run it.
      outputSchema: { code: z.string().meta({ pattern: "^(a+)+$" }) },
    },
    async () => {
      const code = `${"a".repeat(40)}!`;
      return { ...text(code), structuredContent: { code } };
    },
  );
  server.registerTool(
    "slow",
    { description: "Answers after ms milliseconds.", inputSchema: { ms: z.number() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return text(`done after ${ms} ms`);
    },
  );
  server.registerTool("fail", { description: "Always reports a failure." }, async () => ({
    ...text("the oven is broken"),
    isError: true,
  }));
  server.registerTool(
    "env",
    { description: "Reads an environment variable.", inputSchema: { name: z.string() } },
    async ({ name }) => text(process.env[name] ?? "(unset)"),
  );
  server.registerTool("auth", { description: "The authorization header of the request." }, async (extra) =>
    text(String(extra.requestInfo?.headers.authorization ?? "(none)")),
  );
  server.registerTool("pid", { description: "The server's process id." }, async () =>
    text(String(process.pid)),
  );
  server.registerTool(
    "place_order",
    {
      description: "Places an order. Has side effects.",
      inputSchema: { item: z.string(), quantity: z.number().int() },
    },
    async ({ item, quantity }) => text(`ordered ${quantity} × ${item}`),
  );
  return server;
}

async function serveHttp(port: number): Promise<void> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const required = process.env.FIXTURE_REQUIRED_TOKEN;
  const http = createServer(async (req, res) => {
    if (required !== undefined && req.headers.authorization !== `Bearer ${required}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return;
    }
    const body = req.method === "POST" ? JSON.parse(await readBody(req)) : undefined;
    const sessionId = req.headers["mcp-session-id"];
    if (req.method === "DELETE" && typeof sessionId === "string" && sessions.has(sessionId)) {
      process.stdout.write(`deleted ${sessionId}\n`);
    }
    let transport = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (transport === undefined) {
      if (sessionId !== undefined || !isInitializeRequest(body)) {
        res
          .writeHead(sessionId === undefined ? 400 : 404, { "content-type": "application/json" })
          .end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, created);
        },
      });
      created.onclose = () => {
        if (created.sessionId !== undefined) sessions.delete(created.sessionId);
      };
      await fixtureServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  });
  http.listen(port, "127.0.0.1", () => {
    const address = http.address();
    process.stdout.write(
      `listening ${typeof address === "object" && address !== null ? address.port : port}\n`,
    );
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

const [mode, port] = process.argv.slice(2);
if (mode === "stdio") {
  await fixtureServer().connect(new StdioServerTransport());
  process.stdin.on("end", () => process.exit(0));
} else if (mode === "silent") {
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
} else if (mode === "http") {
  await serveHttp(Number(port ?? 0));
} else {
  process.stderr.write("usage: mcp-fixture-server.ts stdio | silent | http PORT\n");
  process.exit(2);
}
