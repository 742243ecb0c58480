import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentFile } from "../../agents/load-agent-file.js";
import { buildAgentTools } from "../../agents/tools/build-agent-tools.js";
import { McpConnections } from "../../agents/tools/mcp-connections.js";
import { envSecrets, nothingConfirmed } from "../../agents/tools/tool-context.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { storeWithAgent } from "../../knowledge/knowledge-test.fixture.js";
import type { Store } from "../../spec/store.js";
import { demoAgentFile } from "../pipeline/synth-test.fixture.js";
import { openAiToolSchema } from "./openai-chat-format.js";
import { openAiToolDefinitions } from "./openai-tool-definitions.js";

let store: Store;
let ids: { tenantId: string; agentId: string };

beforeAll(async () => {
  const made = await storeWithAgent();
  store = made.store;
  ids = { tenantId: made.tenant.id, agentId: made.agent.id };
});
afterAll(async () => store?.close());

describe("openAiToolDefinitions", () => {
  it("declares the agent's tools as the chat-completions API does, with their argument schemas", async () => {
    const spec = loadAgentFile(demoAgentFile).spec;
    const tools = await buildAgentTools(
      spec,
      {
        ...ids,
        agent: spec,
        conversationId: null,
        externalUserId: "export",
        store,
        retriever: createRetriever({ store }),
        now: () => new Date(),
        secrets: envSecrets({}),
        dryRun: true,
        confirmed: nothingConfirmed,
      },
      new McpConnections(),
    );
    const definitions = await openAiToolDefinitions(tools);
    expect(definitions.map((d) => d.function.name)).toEqual([
      "search_knowledge",
      "handoff_to_human",
      "create_ticket",
      "business_hours",
      "order_status",
    ]);
    for (const definition of definitions)
      expect(openAiToolSchema.safeParse(definition).error).toBeUndefined();
    const order = definitions.find((d) => d.function.name === "order_status")!;
    expect(order.function.parameters).toMatchObject({
      type: "object",
      properties: { order_id: { type: "string", pattern: "^LE-\\d{4}$" } },
      required: ["order_id"],
    });
    expect(order.function.description).toMatch(/^Status of a cake or delivery order/);
  });
});
