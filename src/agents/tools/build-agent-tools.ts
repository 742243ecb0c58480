/**
 * Every tool of an agent for one turn, as an AI SDK `ToolSet` for
 * `generateText({ tools, stopWhen: stepCountIs(spec.maxSteps) })`.
 *
 * - Built-ins by name, webhooks from their specs, and the tools of each MCP
 *   server (`<server>__<tool>`), listed through `mcp` (kept by the runtime per
 *   agent; see `McpConnections`). MCP servers are listed in parallel.
 * - An MCP server that cannot be reached, or does not list its tools within
 *   `mcpListTimeoutMs`, is left out of this turn and reported to `onWarning`;
 *   its connection keeps trying in the background for the next turn.
 * - Every tool's `execute` resolves, never rejects: failures are results with
 *   `isError: true` (`ToolError`), sent to the model as `error-json`.
 *
 * Throws `ValidationError` only for a broken spec (`checkAgentTools`): a
 * duplicate name or a webhook schema that cannot be checked.
 */
import type { ToolSet } from "ai";
import { loadAiSdk } from "../../models/ai-sdk.js";
import type { AgentSpec, BuiltinToolName, McpToolSpec } from "../../spec/agent.js";
import { AlambiqueError, ValidationError } from "../../spec/errors.js";
import { type AgentTool, toAiTool } from "./agent-tool.js";
import { businessHoursTool } from "./business-hours-tool.js";
import { checkAgentTools } from "./check-agent-tools.js";
import { createTicketTool } from "./create-ticket-tool.js";
import { handoffToHumanTool } from "./handoff-to-human-tool.js";
import type { McpConnections } from "./mcp-connections.js";
import type { McpServerStatus } from "./mcp-health.js";
import { createMcpTools } from "./mcp-tools.js";
import { searchKnowledgeTool } from "./search-knowledge-tool.js";
import type { ToolContext } from "./tool-context.js";
import { createWebhookTool } from "./webhook-tool.js";

export interface BuildAgentToolsOptions {
  /** Told why tools are left out of this turn. Default: nothing. */
  onWarning?: (message: string) => void;
  /** Told how each MCP server's listing went, problem or not (see `McpHealth`). Default: nothing. */
  onMcpStatus?: (status: McpServerStatus) => void;
  /** How long to wait for each MCP server's tool list, in ms. Default 10 000. */
  mcpListTimeoutMs?: number;
}

const builtins: Record<BuiltinToolName, (context: ToolContext) => AgentTool> = {
  search_knowledge: searchKnowledgeTool,
  handoff_to_human: handoffToHumanTool,
  create_ticket: createTicketTool,
  business_hours: businessHoursTool,
};

export async function buildAgentTools(
  spec: AgentSpec,
  context: ToolContext,
  mcp: McpConnections,
  options: BuildAgentToolsOptions = {},
): Promise<ToolSet> {
  const issues = checkedTools(spec);
  if (issues.length > 0) {
    throw new ValidationError(
      `the agent ${spec.name} has invalid tools: ${issues.map((issue) => issue.message).join("; ")}`,
      issues,
      "Fix the tools section of the agent spec.",
    );
  }
  const warn = options.onWarning ?? (() => undefined);
  const tools: AgentTool[] = [];
  const servers: McpToolSpec[] = [];
  spec.tools.forEach((toolSpec, index) => {
    if (toolSpec.type === "builtin") tools.push(builtins[toolSpec.name](context));
    else if (toolSpec.type === "webhook") tools.push(createWebhookTool(toolSpec, context, `tools[${index}]`));
    else servers.push(toolSpec);
  });

  const listTimeoutMs = options.mcpListTimeoutMs ?? 10_000;
  const listed = await Promise.all(
    servers.map((server) =>
      listServer(server, context, mcp, listTimeoutMs, warn, options.onMcpStatus ?? (() => undefined)),
    ),
  );
  const ai = await loadAiSdk();
  const toolSet: ToolSet = {};
  for (const agentTool of [...tools, ...listed.flat()]) {
    if (agentTool.name in toolSet) {
      warn(
        `the tool name ${agentTool.name} is used twice (an MCP tool clashes with another tool); the second is left out`,
      );
      continue;
    }
    toolSet[agentTool.name] = toAiTool(agentTool, context, ai);
  }
  return toolSet;
}

/**
 * `checkAgentTools(spec)`, run once per spec object when the spec is frozen
 * (the runtime's are: see `AgentSpecCache`), since a frozen spec cannot have
 * changed since it was checked; every time for any other spec.
 */
const checked = new WeakMap<AgentSpec, ReturnType<typeof checkAgentTools>>();

function checkedTools(spec: AgentSpec): ReturnType<typeof checkAgentTools> {
  if (!Object.isFrozen(spec)) return checkAgentTools(spec);
  let issues = checked.get(spec);
  if (!issues) {
    issues = checkAgentTools(spec);
    checked.set(spec, issues);
  }
  return issues;
}

async function listServer(
  server: McpToolSpec,
  context: ToolContext,
  mcp: McpConnections,
  timeoutMs: number,
  warn: (message: string) => void,
  status: (status: McpServerStatus) => void,
): Promise<AgentTool[]> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const listing = createMcpTools(server, mcp.connection(server), context);
  try {
    const result = await Promise.race([listing, timedOut]);
    if (result === "timeout") {
      listing.catch(() => undefined);
      const message = `the MCP server ${server.name} did not list its tools within ${timeoutMs} ms; its tools are left out of this turn`;
      warn(message);
      status({ server: server.name, problem: "list_timeout", message });
      return [];
    }
    for (const warning of result.warnings) warn(warning);
    status(
      result.missing.length > 0
        ? {
            server: server.name,
            problem: "missing_tool",
            missingTools: result.missing,
            message: result.warnings.join("; "),
          }
        : { server: server.name },
    );
    return result.tools;
  } catch (error) {
    const detail = AlambiqueError.isInstance(error) ? error.describe() : String(error);
    const message = `the tools of the MCP server ${server.name} are left out of this turn: ${detail}`;
    warn(message);
    status({ server: server.name, problem: "unavailable", message });
    return [];
  } finally {
    clearTimeout(timer);
  }
}
