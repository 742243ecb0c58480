/**
 * The agent's tools as the chat-completions `tools` list, for exports: a
 * student trained on tool calls must see the same declarations at training
 * time as at run time. Takes the AI SDK `ToolSet` that `buildAgentTools`
 * returns (with a dry-run context, nothing is called), in its key order.
 */
import { asSchema, type ToolSet } from "ai";
import type { OpenAiTool } from "./openai-chat-format.js";

export async function openAiToolDefinitions(tools: ToolSet): Promise<OpenAiTool[]> {
  const out: OpenAiTool[] = [];
  for (const [name, tool] of Object.entries(tools)) {
    const parameters = await asSchema(tool.inputSchema).jsonSchema;
    out.push({
      type: "function",
      function: {
        name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: JSON.parse(JSON.stringify(parameters)) as Record<string, unknown>,
      },
    });
  }
  return out;
}
