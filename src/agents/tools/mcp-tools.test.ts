import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import {
  type HttpFixture,
  httpFixtureSpec,
  isAlive,
  startHttpFixture,
  stdioFixtureSpec,
} from "./__fixtures__/mcp-fixture.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { type AgentTool, executeAgentTool } from "./agent-tool.js";
import { McpConnection } from "./mcp-connection.js";
import { McpConnections } from "./mcp-connections.js";
import { createMcpTools, mcpToolName } from "./mcp-tools.js";
import type { ToolContext } from "./tool-context.js";
import type { ToolError } from "./tool-result.js";

let world: ToolTestWorld;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  world = await createToolTestWorld();
});
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await world.close();
});

function open(connection: McpConnection): McpConnection {
  cleanups.push(() => connection.close());
  return connection;
}

async function toolsOf(connection: McpConnection, context: Partial<ToolContext> = {}) {
  const full = { ...world.context, ...context };
  const { tools, warnings } = await createMcpTools(connection.spec, connection, full);
  const run = (name: string, input: unknown) => {
    const tool = tools.find((candidate) => candidate.name === name) as AgentTool;
    return executeAgentTool(tool, full, input, { toolCallId: "call-1", signal: undefined });
  };
  return { tools, warnings, run };
}

function pidOf(text: unknown): number {
  return Number(text);
}

describe("MCP tools over stdio", () => {
  it("lists the server's tools as <server>__<tool> with their schemas, and maps text, structured and error results", async () => {
    const secrets = (name: string) => (name === "KITCHEN_TOKEN" ? "tok-123" : undefined);
    process.env.ALAMBIQUE_TEST_NOT_FOR_CHILDREN = "leaked";
    const connection = open(
      new McpConnection(stdioFixtureSpec({ env: { KITCHEN_TOKEN: { secret: "KITCHEN_TOKEN" } } })),
    );
    const { tools, run } = await toolsOf(connection, { secrets });
    delete process.env.ALAMBIQUE_TEST_NOT_FOR_CHILDREN;

    expect(tools.map((tool) => tool.name)).toEqual([
      "kitchen__echo",
      "kitchen__add",
      "kitchen__evil_code",
      "kitchen__slow",
      "kitchen__fail",
      "kitchen__env",
      "kitchen__auth",
      "kitchen__pid",
      "kitchen__place_order",
    ]);
    const add = tools.find((tool) => tool.name === "kitchen__add");
    expect(add?.arguments.jsonSchema).toMatchObject({ type: "object", required: ["a", "b"] });
    expect(add?.description).toBe("Adds two numbers.");

    expect(await run("kitchen__echo", { text: "hola" })).toBe("hola");
    expect(await run("kitchen__add", { a: 2, b: 40 })).toEqual({ sum: 42 });
    expect(await run("kitchen__fail", {})).toMatchObject({
      isError: true,
      code: "tool_failed",
      error: expect.stringContaining("the oven is broken"),
    });
    expect(await run("kitchen__env", { name: "KITCHEN_TOKEN" })).toBe("tok-123");
    // Only the spec's env and the SDK's safe defaults reach the child, not the server's whole environment.
    expect(await run("kitchen__env", { name: "ALAMBIQUE_TEST_NOT_FOR_CHILDREN" })).toBe("(unset)");
    // Invalid arguments are caught before the call, from the server's own schema.
    expect(await run("kitchen__add", { a: "two" })).toMatchObject({ code: "invalid_arguments" });
  });

  it("checks a server's output schema in linear time: `^(a+)+$` against 40 a's and a `!` does not stall", async () => {
    const connection = open(new McpConnection(stdioFixtureSpec()));
    const { run } = await toolsOf(connection);
    const started = performance.now();
    const result = await run("kitchen__evil_code", {});
    expect(performance.now() - started).toBeLessThan(2000);
    // The output does not match its own schema: the SDK reports it as the tool's error.
    expect(JSON.stringify(result)).toMatch(/pattern|match|invalid|error/i);
  });

  it("returns connection_lost when the server is killed mid-call, and the next call starts a new server", async () => {
    const connection = open(new McpConnection(stdioFixtureSpec()));
    const { run } = await toolsOf(connection);
    const pid = pidOf(await run("kitchen__pid", {}));
    const pending = run("kitchen__slow", { ms: 10_000 });
    setTimeout(() => process.kill(pid, "SIGKILL"), 200);
    const started = Date.now();
    const result = (await pending) as ToolError;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ isError: true, code: "connection_lost", retryable: true });
    expect(connection.connected).toBe(false);

    const newPid = pidOf(await run("kitchen__pid", {}));
    expect(newPid).not.toBe(pid);
    expect(await run("kitchen__echo", { text: "back" })).toBe("back");
  });

  it("times out a stuck call, drops that server and reconnects on the next call", async () => {
    const connection = open(new McpConnection(stdioFixtureSpec({ timeoutMs: 300 })));
    const { run } = await toolsOf(connection);
    const pid = pidOf(await run("kitchen__pid", {}));
    expect(await run("kitchen__slow", { ms: 5000 })).toMatchObject({ isError: true, code: "timeout" });
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
    expect(pidOf(await run("kitchen__pid", {}))).not.toBe(pid);
  });

  it("close() stops the child process", async () => {
    const connection = new McpConnection(stdioFixtureSpec());
    const { run } = await toolsOf(connection);
    const pid = pidOf(await run("kitchen__pid", {}));
    expect(isAlive(pid)).toBe(true);
    await connection.close();
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
    expect(await run("kitchen__echo", { text: "x" })).toMatchObject({ isError: true, code: "unreachable" });
  });

  it("filters tools, marks confirmation, and simulates only tools not marked read-only in dry runs", async () => {
    const spec = stdioFixtureSpec({
      tools: ["echo", "place_order", "bake"],
      requiresConfirmation: ["place_order"],
    });
    const connection = open(new McpConnection(spec));
    const { tools, warnings, run } = await toolsOf(connection, { dryRun: true });
    expect(tools.map((tool) => [tool.name, tool.requiresConfirmation, tool.sideEffects])).toEqual([
      ["kitchen__echo", false, false],
      ["kitchen__place_order", true, true],
    ]);
    expect(warnings).toEqual([expect.stringContaining('has no tool "bake"')]);
    expect(await run("kitchen__echo", { text: "real" })).toBe("real");
    const confirmed = { confirmed: () => true, dryRun: true };
    const simulated = await executeAgentTool(
      tools[1] as AgentTool,
      { ...world.context, ...confirmed },
      { item: "pan", quantity: 1 },
      { toolCallId: "c", signal: undefined },
    );
    expect(simulated).toMatchObject({ simulated: true });
  });

  it("says why a server that cannot start is unavailable", async () => {
    const spec = {
      ...stdioFixtureSpec(),
      transport: { kind: "stdio" as const, command: "/nonexistent/mcp-server", args: [], env: {} },
    };
    const connection = open(new McpConnection(spec));
    const error = await connection.listTools(() => undefined).catch((thrown: unknown) => thrown);
    expect(AlambiqueError.isInstance(error)).toBe(true);
    expect((error as AlambiqueError).message).toMatch(
      /could not connect to the MCP server kitchen: .*ENOENT/,
    );
    expect((error as AlambiqueError).hint).toContain("/nonexistent/mcp-server");
  });
});

describe("MCP tools over streamable HTTP", () => {
  let server: HttpFixture;

  beforeAll(async () => {
    server = await startHttpFixture(0, { FIXTURE_REQUIRED_TOKEN: "t0k" });
    cleanups.push(() => server.kill());
  });

  it("sends headers from secrets, and fails clearly without them", async () => {
    const spec = httpFixtureSpec(server.url, { headers: { authorization: { secret: "KITCHEN_AUTH" } } });
    const connection = open(new McpConnection(spec));
    const { run } = await toolsOf(connection, {
      secrets: (name) => (name === "KITCHEN_AUTH" ? "Bearer t0k" : undefined),
    });
    expect(await run("kitchen__auth", {})).toBe("Bearer t0k");
    expect(await run("kitchen__add", { a: 1, b: 1 })).toEqual({ sum: 2 });

    const without = open(new McpConnection(spec));
    const error = (await without
      .listTools(() => undefined)
      .catch((thrown: unknown) => thrown)) as AlambiqueError;
    expect(error.message).toContain("KITCHEN_AUTH");
    expect(await without.callTool("echo", { text: "x" }, () => undefined, undefined)).toMatchObject({
      ok: false,
      error: { code: "missing_secret" },
    });
  });

  it("survives the server being killed mid-call and restarted, and a restart between calls", async () => {
    const restartable = await startHttpFixture(0);
    const spec = httpFixtureSpec(restartable.url);
    const connection = open(new McpConnection(spec));
    const { run } = await toolsOf(connection);
    expect(await run("kitchen__echo", { text: "one" })).toBe("one");

    const pending = run("kitchen__slow", { ms: 10_000 });
    setTimeout(() => void restartable.kill(), 200);
    const started = Date.now();
    expect(await pending).toMatchObject({ isError: true, code: "connection_lost" });
    expect(Date.now() - started).toBeLessThan(3000);

    // Down: the next call says so; back up on the same port: the call after reconnects.
    expect(await run("kitchen__echo", { text: "down" })).toMatchObject({
      isError: true,
      code: "unreachable",
    });
    const second = await startHttpFixture(restartable.port);
    cleanups.push(() => second.kill());
    expect(await run("kitchen__echo", { text: "two" })).toBe("two");

    // Restarted between two calls: the old session is unknown (404) and is replaced transparently.
    await second.kill();
    const third = await startHttpFixture(restartable.port);
    cleanups.push(() => third.kill());
    expect(await run("kitchen__echo", { text: "three" })).toBe("three");
  });
});

describe("McpConnections", () => {
  it("keeps one connection per server spec, replaces it when the spec changes, and closes them all", async () => {
    const connections = new McpConnections();
    const spec = stdioFixtureSpec();
    const first = connections.connection(spec);
    expect(connections.connection(stdioFixtureSpec())).toBe(first);
    const { run } = await toolsOf(first);
    const pid = pidOf(await run("kitchen__pid", {}));

    const changed = connections.connection(stdioFixtureSpec({ timeoutMs: 5000 }));
    expect(changed).not.toBe(first);
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);

    const again = await toolsOf(changed);
    const newPid = pidOf(await again.run("kitchen__pid", {}));
    await connections.close();
    await expect.poll(() => isAlive(newPid), { timeout: 5000 }).toBe(false);
    expect(connections.size).toBe(0);
  });

  it("names tools the way model APIs accept", () => {
    expect(mcpToolName("shop", "orders.create")).toBe("shop__orders_create");
    expect(mcpToolName("s", "x".repeat(80))).toHaveLength(64);
  });
});
