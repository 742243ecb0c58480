import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../server/create-server.js";
import { type AgentSpec, agentSpecSchema, mcpToolSpecSchema } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { ModelResolver } from "../../spec/models.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/index.js";
import { AgentRuntime } from "../agent-runtime.js";
import {
  fixtureServerPath,
  repoRoot,
  startHttpFixture,
  stdioFixtureSpec,
} from "./__fixtures__/mcp-fixture.js";
import { scriptedModel } from "./__fixtures__/scripted-model.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { buildAgentTools } from "./build-agent-tools.js";
import { McpConnection } from "./mcp-connection.js";
import { McpConnections } from "./mcp-connections.js";
import type { McpServerStatus } from "./mcp-health.js";

/**
 * MCP failures are said, never silent: each server's listing is reported by
 * kind (did not start, did not list in time, lacks a named tool), logged,
 * told to `chat`, and shown by `/readyz` without commands, URLs or secrets.
 * HTTP sessions are ended with a DELETE when the connection closes. Real MCP
 * servers throughout (the fixture server, as child processes).
 */

const missingCommand = join(mkdtempSync(join(tmpdir(), "alq-mcp-absent-")), "no-such-mcp-server");
const absent = mcpToolSpecSchema.parse({
  type: "mcp",
  name: "absent",
  transport: { kind: "stdio", command: missingCommand, args: [], env: { TOKEN: "s3cret-value" } },
});
const stuck = mcpToolSpecSchema.parse({
  type: "mcp",
  name: "stuck",
  transport: {
    kind: "stdio",
    command: process.execPath,
    args: ["--import", "tsx", fixtureServerPath, "silent"],
    cwd: repoRoot,
  },
});

let world: ToolTestWorld;
beforeAll(async () => {
  world = await createToolTestWorld();
});
afterAll(async () => world?.close());

async function statusesOf(tools: AgentSpec["tools"], mcpListTimeoutMs?: number): Promise<McpServerStatus[]> {
  const spec = agentSpecSchema.parse({ name: "rosa", persona: "x", tools });
  const connections = new McpConnections();
  const statuses: McpServerStatus[] = [];
  try {
    await buildAgentTools(spec, world.context, connections, {
      onMcpStatus: (status) => statuses.push(status),
      ...(mcpListTimeoutMs ? { mcpListTimeoutMs } : {}),
    });
  } finally {
    await connections.close();
  }
  return statuses.sort((a, b) => a.server.localeCompare(b.server));
}

describe("MCP failures", () => {
  it("reports a server that does not start, and one that lacks a named tool", async () => {
    const statuses = await statusesOf(
      [
        absent,
        stdioFixtureSpec({ name: "kitchen", tools: ["echo", "bake_bread"] }),
        // Generous: a tsx child takes seconds to start on a loaded 2-core machine.
      ],
      45_000,
    );
    expect(statuses).toEqual([
      { server: "absent", problem: "unavailable", message: expect.stringContaining("absent") },
      {
        server: "kitchen",
        problem: "missing_tool",
        missingTools: ["bake_bread"],
        message: expect.stringContaining('no tool "bake_bread"'),
      },
    ]);
  }, 90_000);

  it("reports a server that does not list its tools in time", async () => {
    const statuses = await statusesOf([stuck], 500);
    expect(statuses).toEqual([
      { server: "stuck", problem: "list_timeout", message: expect.stringContaining("within 500 ms") },
    ]);
  }, 30_000);

  it("logs each problem once, tells chat, and shows it in /readyz without commands or secrets", async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-mcp-health-")), "alambique.db"));
    const tenantId = (await defaultTenant(store)).id;
    const models: ModelResolver = {
      list: async () => [],
      languageModel: async () => scriptedModel([{ text: "hello" }]),
      embeddingModel: async () => {
        throw new Error("no embeddings here");
      },
    };
    const warned: { fields: Record<string, unknown>; message: string }[] = [];
    const told: string[] = [];
    const runtime = new AgentRuntime({
      store,
      models,
      log: { warn: (fields, message) => warned.push({ fields, message }), info: () => undefined },
      onMcpStatus: (agent, status) => told.push(`${agent}: ${status.problem}`),
    });
    const spec = agentSpecSchema.parse({ name: "baker", persona: "x", model: "scripted", tools: [absent] });
    await store.agents.create({
      tenantId,
      name: "baker",
      spec: spec as unknown as Record<string, JsonValue>,
    });
    const app = createServer({
      auth: "disabled",
      models,
      store,
      agents: runtime,
      limits: { requestsPerMinute: 0 },
    });
    try {
      for (const message of ["hi", "again"]) {
        await runtime.turn({ tenantId, agent: "baker", externalUserId: "u", message });
      }
      expect(told).toEqual(["baker: unavailable"]);
      expect(warned).toHaveLength(1);
      expect(warned[0]?.fields).toEqual({ agent: "baker", mcpServer: "absent", problem: "unavailable" });
      const ready = await app.inject({ method: "GET", url: "/readyz" });
      const body = ready.json() as { mcp: { problems: string[] } };
      expect(body.mcp.problems).toEqual([
        "agent baker: MCP server absent did not start or could not be reached",
      ]);
      expect(ready.body).not.toContain(missingCommand);
      expect(ready.body).not.toContain("s3cret");
    } finally {
      await app.close();
      await runtime.dispose();
      await store.close();
    }
  }, 60_000);

  it("ends an HTTP session with a DELETE when the connection closes", async () => {
    const server = await startHttpFixture();
    let out = "";
    server.process.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      const connection = new McpConnection(
        mcpToolSpecSchema.parse({
          type: "mcp",
          name: "kitchen",
          transport: { kind: "http", url: server.url },
        }),
      );
      expect((await connection.listTools(() => undefined)).length).toBeGreaterThan(0);
      expect(out).not.toContain("deleted");
      await connection.close();
      await expect.poll(() => out, { timeout: 5_000 }).toMatch(/deleted [0-9a-f-]{36}/);
    } finally {
      await server.kill();
    }
  }, 30_000);
});
