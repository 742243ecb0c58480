/**
 * The tools of one MCP server as agent tools, named `<server>__<tool>` (the
 * spec's `name` as prefix; characters a model API does not accept become `_`,
 * and names are cut to 64 characters). Each keeps the server's input schema
 * and description. Results: structured content → its JSON; otherwise text
 * content joined with newlines (embedded text resources included, other
 * media described); `isError` → a `tool_failed` error result.
 *
 * In dry runs, tools the server marks `readOnlyHint` run; the others are
 * simulated, since nothing else tells us they are harmless.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpToolSpec } from "../../spec/agent.js";
import type { AgentTool } from "./agent-tool.js";
import { lenientArgumentsSchema } from "./arguments-schema.js";
import type { McpConnection } from "./mcp-connection.js";
import type { ToolContext } from "./tool-context.js";
import { toolError } from "./tool-result.js";

/**
 * Lists the server's tools (connecting if needed) and wraps them. Throws
 * `AlambiqueError` when the server cannot be reached; `warnings` tell about
 * tools named in `spec.tools` that the server does not offer (`missing`).
 */
export async function createMcpTools(
  spec: McpToolSpec,
  connection: McpConnection,
  context: ToolContext,
): Promise<{ tools: AgentTool[]; warnings: string[]; missing: string[] }> {
  const listed = await connection.listTools(context.secrets);
  const warnings: string[] = [];
  const missing: string[] = [];
  const wanted = spec.tools === undefined ? undefined : new Set(spec.tools);
  for (const name of wanted ?? []) {
    if (!listed.some((tool) => tool.name === name)) {
      missing.push(name);
      warnings.push(
        `the MCP server ${spec.name} has no tool "${name}" (it offers: ${listed.map((tool) => tool.name).join(", ") || "none"})`,
      );
    }
  }
  const tools: AgentTool[] = [];
  for (const info of listed) {
    if (wanted !== undefined && !wanted.has(info.name)) continue;
    const name = mcpToolName(spec.name, info.name);
    tools.push({
      name,
      description: info.description ?? `The tool ${info.name} of ${spec.name}.`,
      arguments: lenientArgumentsSchema(info.inputSchema),
      source: "mcp",
      requiresConfirmation:
        spec.requiresConfirmation === true ||
        (Array.isArray(spec.requiresConfirmation) && spec.requiresConfirmation.includes(info.name)),
      sideEffects: !info.readOnly,
      async run(args, call) {
        const input = args as Record<string, unknown>;
        const called = await connection.callTool(info.name, input, context.secrets, call.signal);
        return called.ok ? mapMcpResult(name, called.result) : called.error;
      },
    });
  }
  return { tools, warnings, missing };
}

export function mcpToolName(server: string, tool: string): string {
  return `${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
}

export function mapMcpResult(name: string, result: CallToolResult): unknown {
  const text = (result.content ?? [])
    .map((part) => {
      switch (part.type) {
        case "text":
          return part.text;
        case "resource":
          return "text" in part.resource
            ? part.resource.text
            : `[binary resource ${part.resource.uri}, not shown]`;
        case "resource_link":
          return `[resource ${part.uri}${part.name ? ` (${part.name})` : ""}]`;
        default:
          return `[${part.type} ${"mimeType" in part ? part.mimeType : ""}, not shown]`;
      }
    })
    .join("\n");
  if (result.isError === true) {
    return toolError("tool_failed", `the tool ${name} reported an error: ${text || "no details given"}`, {
      hint: "Tell the customer it did not work; check the details, or offer a ticket or a person.",
    });
  }
  if (result.structuredContent !== undefined) return result.structuredContent;
  return text === "" ? "(the tool returned nothing)" : text;
}
