/**
 * An agent's tools as chat-completions `tools` declarations, for exports: a
 * student trained on tool calls must see the same declarations at training
 * time as at run time. The tools are built in dry-run mode (nothing is
 * called); MCP servers are asked for their tool lists and closed again. A
 * server that cannot be reached is left out and reported to `onWarning`.
 */
import {
  buildAgentTools,
  envSecrets,
  type LoadedAgent,
  McpConnections,
  nothingConfirmed,
} from "../../agents/index.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import type { Store } from "../../spec/store.js";
import type { OpenAiTool } from "../formats/openai-chat-format.js";
import { openAiToolDefinitions } from "../formats/openai-tool-definitions.js";

export async function agentToolDefinitions(
  store: Store,
  agent: LoadedAgent,
  onWarning?: (message: string) => void,
): Promise<OpenAiTool[]> {
  const mcp = new McpConnections({ name: "alambique-export", version: "0.1.0" });
  try {
    const tools = await buildAgentTools(
      agent.spec,
      {
        tenantId: agent.tenantId,
        agentId: agent.id,
        agent: agent.spec,
        conversationId: null,
        externalUserId: "dataset-export",
        store,
        retriever: createRetriever({ store }),
        now: () => new Date(),
        secrets: envSecrets(),
        dryRun: true,
        confirmed: nothingConfirmed,
      },
      mcp,
      onWarning ? { onWarning } : {},
    );
    return await openAiToolDefinitions(tools);
  } finally {
    await mcp.close();
  }
}
