import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentSpec, agentSpecSchema } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { ModelResolver } from "../spec/models.js";
import type { Store } from "../spec/store.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/index.js";
import { AgentRuntime } from "./agent-runtime.js";
import { isAlive, stdioFixtureSpec } from "./tools/__fixtures__/mcp-fixture.js";
import { scriptedModel } from "./tools/__fixtures__/scripted-model.js";

/**
 * The runtime's MCP sessions end when they are no longer needed: a server
 * removed from the spec, an agent forgotten (removed over the API), an agent
 * idle for `mcpIdleMs`. Each session here is a real child process (the stdio
 * fixture server); "ended" means that process is gone.
 */

let store: Store;
let runtime: AgentRuntime;
let tenantId: string;

const spec = (tools: AgentSpec["tools"]): AgentSpec =>
  agentSpecSchema.parse({ name: "kitchen-agent", persona: "Helps the kitchen.", model: "scripted", tools });

beforeAll(async () => {
  store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-runtime-mcp-")), "alambique.db"));
  tenantId = (await defaultTenant(store)).id;
  // Every turn: call the MCP server's `pid` tool once, then answer.
  const models: ModelResolver = {
    list: async () => [],
    languageModel: async () =>
      scriptedModel([{ toolCalls: [{ toolName: "kitchen__pid", input: {} }] }, { text: "done" }]),
    embeddingModel: async () => {
      throw new Error("no embeddings here");
    },
  };
  runtime = new AgentRuntime({ store, models, mcpIdleMs: 60_000 });
});
afterAll(async () => {
  await runtime.dispose();
  await store.close();
});

async function turnPid(): Promise<number> {
  const turn = await runtime.turn({ tenantId, agent: "kitchen-agent", externalUserId: "u", message: "pid?" });
  const messages = await store.messages.list(turn.conversationId);
  const calls = messages.at(-1)?.metadata.toolCalls as { name: string; output: unknown }[];
  const pid = Number(calls.find((call) => call.name === "kitchen__pid")?.output);
  expect(pid, JSON.stringify(calls)).toBeGreaterThan(0);
  return pid;
}

describe("AgentRuntime MCP sessions", () => {
  it("ends sessions when a server leaves the spec, the agent is forgotten, or it idles", async () => {
    const json = (s: AgentSpec) => s as unknown as Record<string, JsonValue>;
    const agent = await store.agents.create({
      tenantId,
      name: "kitchen-agent",
      spec: json(spec([stdioFixtureSpec()])),
    });

    const first = await turnPid();
    expect(isAlive(first)).toBe(true);
    expect(await turnPid()).toBe(first); // one session across turns
    expect(runtime.mcpAgents).toBe(1);

    await runtime.forget(agent.id);
    expect(runtime.mcpAgents).toBe(0);
    await expect.poll(() => isAlive(first), { timeout: 5000 }).toBe(false);

    const second = await turnPid();
    expect(second).not.toBe(first);
    await runtime.closeIdle(Date.now() + 60_000);
    expect(runtime.mcpAgents).toBe(0);
    await expect.poll(() => isAlive(second), { timeout: 5000 }).toBe(false);

    const third = await turnPid();
    await store.agents.update(tenantId, agent.id, json(spec([{ type: "builtin", name: "business_hours" }])));
    await runtime
      .turn({ tenantId, agent: "kitchen-agent", externalUserId: "u", message: "and now?" })
      .catch(() => {});
    await expect.poll(() => isAlive(third), { timeout: 5000 }).toBe(false);
  });

  it("stores what tools return masked, like the customer's message", async () => {
    const models: ModelResolver = {
      list: async () => [],
      languageModel: async () =>
        scriptedModel([
          {
            toolCalls: [
              { toolName: "kitchen__echo", input: { text: "llámame al +34 600 000 000 o a ana@example.es" } },
            ],
          },
          { text: "hecho" },
        ]),
      embeddingModel: async () => {
        throw new Error("no embeddings here");
      },
    };
    const echoing = new AgentRuntime({ store, models });
    try {
      await store.agents.create({
        tenantId,
        name: "echo-agent",
        spec: agentSpecSchema.parse({
          name: "echo-agent",
          persona: "Echoes.",
          model: "scripted",
          tools: [stdioFixtureSpec({ tools: ["echo"] })],
        }) as unknown as Record<string, JsonValue>,
      });
      const turn = await echoing.turn({
        tenantId,
        agent: "echo-agent",
        externalUserId: "u2",
        message: "eco",
      });
      const stored = JSON.stringify(
        (await store.messages.list(turn.conversationId)).at(-1)?.metadata.toolCalls,
      );
      expect(stored).toContain("[phone]");
      expect(stored).toContain("[email]");
      expect(stored).not.toContain("600 000 000");
      expect(stored).not.toContain("ana@example.es");
    } finally {
      await echoing.dispose();
    }
  });
});
