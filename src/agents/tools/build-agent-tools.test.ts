import { generateText, stepCountIs, type ToolSet } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closedPortUrl,
  type LocalHttpServer,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import type { AgentSpecInput, WebhookToolSpec } from "../../spec/agent.js";
import { ValidationError } from "../../spec/errors.js";
import { AgentSpecCache } from "../agent-spec-cache.js";
import { httpFixtureSpec, stdioFixtureSpec } from "./__fixtures__/mcp-fixture.js";
import { scriptedModel } from "./__fixtures__/scripted-model.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { buildAgentTools } from "./build-agent-tools.js";
import { checkAgentTools } from "./check-agent-tools.js";
import { McpConnections } from "./mcp-connections.js";
import { createWebhookTool } from "./webhook-tool.js";

const stockSchema = { type: "object", properties: { item: { type: "string" } }, required: ["item"] };
let failing: LocalHttpServer;
let hanging: LocalHttpServer;
const mcp = new McpConnections();

beforeAll(async () => {
  failing = await startLocalHttpServer((_req, res) =>
    res.writeHead(500, { "content-type": "application/json" }).end('{"error":"stock service down"}'),
  );
  hanging = await startLocalHttpServer(() => undefined);
});
afterAll(async () => {
  await mcp.close();
  await Promise.all([failing.close(), hanging.close()]);
});

async function worldWith(tools: AgentSpecInput["tools"]): Promise<ToolTestWorld> {
  return createToolTestWorld({ tools });
}

describe("buildAgentTools", () => {
  it("assembles built-ins, webhooks and MCP tools; leaves out unreachable servers with a warning", async () => {
    const world = await worldWith([
      { type: "builtin", name: "search_knowledge" },
      { type: "builtin", name: "business_hours" },
      {
        type: "webhook",
        name: "check_stock",
        description: "Stock of an item.",
        url: failing.url,
        method: "GET",
        inputSchema: stockSchema,
      },
      stdioFixtureSpec({ tools: ["echo", "add"] }),
      httpFixtureSpec(`${await closedPortUrl()}/mcp`, { name: "down" }),
    ]);
    const warnings: string[] = [];
    const tools = await buildAgentTools(world.spec, world.context, mcp, {
      onWarning: (message) => warnings.push(message),
    });
    expect(Object.keys(tools)).toEqual([
      "search_knowledge",
      "business_hours",
      "check_stock",
      "kitchen__echo",
      "kitchen__add",
    ]);
    expect(tools.check_stock).toMatchObject({
      type: "dynamic",
      metadata: { source: "webhook", sideEffects: false },
    });
    expect(tools.search_knowledge?.type).not.toBe("dynamic");
    expect(warnings).toEqual([
      expect.stringMatching(/MCP server down are left out of this turn: could not connect .*ECONNREFUSED/),
    ]);
    await world.close();
  });

  it("does not wait longer than mcpListTimeoutMs for a server that hangs, and close() cuts its connect short", async () => {
    const world = await worldWith([
      { type: "builtin", name: "business_hours" },
      httpFixtureSpec(`${hanging.url}/mcp`, { name: "stuck" }),
    ]);
    const own = new McpConnections();
    const warnings: string[] = [];
    const started = Date.now();
    const tools = await buildAgentTools(world.spec, world.context, own, {
      onWarning: (message) => warnings.push(message),
      mcpListTimeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(Object.keys(tools)).toEqual(["business_hours"]);
    expect(warnings).toEqual([
      expect.stringContaining("MCP server stuck did not list its tools within 300 ms"),
    ]);
    const closing = Date.now();
    await own.close();
    expect(Date.now() - closing).toBeLessThan(2000);
    await world.close();
  });

  it("refuses a spec with duplicate names or an uncheckable webhook schema", async () => {
    const world = await worldWith([
      { type: "builtin", name: "create_ticket" },
      {
        type: "webhook",
        name: "create_ticket",
        description: "x",
        url: failing.url,
        inputSchema: { type: "array" },
      },
    ]);
    expect(checkAgentTools(world.spec).map((issue) => issue.path)).toEqual([
      ["tools", 1, "name"],
      ["tools", 1, "inputSchema", "type"],
    ]);
    const error = await buildAgentTools(world.spec, world.context, mcp).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('"create_ticket" is already the name of tools[0]');
    await world.close();
  });

  it("derives a frozen spec's tool schemas once for every turn, and refuses a broken frozen spec every turn", async () => {
    const world = await worldWith([
      { type: "builtin", name: "search_knowledge" },
      {
        type: "webhook",
        name: "check_stock",
        description: "Stock of an item.",
        url: failing.url,
        method: "GET",
        inputSchema: stockSchema,
      },
    ]);
    // As the runtime serves specs: parsed once, deep-frozen.
    const frozen = new AgentSpecCache().parse({ id: world.agentId, spec: world.spec as never });
    const schemaOf = (tools: ToolSet, name: string) =>
      (tools[name]?.inputSchema as { jsonSchema: unknown } | undefined)?.jsonSchema;
    const [first, second] = [
      await buildAgentTools(frozen, world.context, mcp),
      await buildAgentTools(frozen, world.context, mcp),
    ];
    expect(schemaOf(second, "search_knowledge")).toBe(schemaOf(first, "search_knowledge"));
    expect(Object.isFrozen(schemaOf(first, "search_knowledge"))).toBe(true);
    const webhook = frozen.tools[1] as WebhookToolSpec;
    expect(createWebhookTool(webhook, world.context).arguments).toBe(
      createWebhookTool(webhook, world.context).arguments,
    );
    // A spec that is not frozen may have changed: compiled afresh each time.
    const loose = world.spec.tools[1] as WebhookToolSpec;
    expect(createWebhookTool(loose, world.context).arguments).not.toBe(
      createWebhookTool(loose, world.context).arguments,
    );
    const invalid = await worldWith([
      { type: "builtin", name: "create_ticket" },
      {
        type: "webhook",
        name: "create_ticket",
        description: "x",
        url: failing.url,
        inputSchema: stockSchema,
      },
    ]);
    const broken = new AgentSpecCache().parse({ id: invalid.agentId, spec: invalid.spec as never });
    for (let turn = 0; turn < 2; turn++) {
      await expect(buildAgentTools(broken, invalid.context, mcp)).rejects.toThrow(
        /already the name of tools\[0\]/,
      );
    }
    await Promise.all([world.close(), invalid.close()]);
  });

  it("gives failing tools' errors back to the model as error results, and the turn goes on", async () => {
    const world = await worldWith([
      { type: "builtin", name: "business_hours" },
      {
        type: "webhook",
        name: "check_stock",
        description: "Stock of an item.",
        url: failing.url,
        method: "GET",
        inputSchema: stockSchema,
      },
      stdioFixtureSpec({ tools: ["fail", "echo"] }),
    ]);
    const tools = await buildAgentTools(world.spec, world.context, mcp);
    const model = scriptedModel([
      {
        toolCalls: [
          { toolName: "check_stock", input: { item: "pan" } },
          { toolName: "check_stock", input: {} },
          { toolName: "kitchen__fail", input: {} },
          { toolName: "business_hours", input: {} },
          { toolName: "kitchen__echo", input: { text: "ok" } },
        ],
      },
      { text: "Lo siento, ahora no puedo comprobarlo." },
    ]);
    const result = await generateText({ model, tools, stopWhen: stepCountIs(4), prompt: "¿Hay pan?" });
    expect(result.text).toBe("Lo siento, ahora no puedo comprobarlo.");
    const outputs = result.steps[0]?.toolResults.map((r) => r.output);
    expect(outputs).toEqual([
      expect.objectContaining({ isError: true, code: "http_status", status: 500 }),
      expect.objectContaining({ isError: true, code: "invalid_arguments" }),
      expect.objectContaining({ isError: true, code: "tool_failed" }),
      expect.objectContaining({ isError: true, code: "not_configured" }),
      "ok",
    ]);
    // What the model saw in its second step: errors marked as errors, the text result as text.
    const toolMessage = model.prompts[1]?.find((message) => message.role === "tool");
    const seen = toolMessage?.content.map((part) =>
      part.type === "tool-result" ? part.output.type : part.type,
    );
    expect(seen).toEqual(["error-json", "error-json", "error-json", "error-json", "text"]);
    expect(JSON.stringify(toolMessage)).toContain("stock service down");
    await world.close();
  });
});
