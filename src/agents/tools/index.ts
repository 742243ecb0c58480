/** The agent's tools, for the agent runtime (`src/agents`). */
export { isAffirmative } from "./affirmative-reply.js";
export type { AgentTool, AgentToolCall } from "./agent-tool.js";
export { type BuildAgentToolsOptions, buildAgentTools } from "./build-agent-tools.js";
export { type BusinessHoursStatus, businessHoursAt } from "./business-hours.js";
export { checkAgentTools } from "./check-agent-tools.js";
export { type CitationNumbering, createCitationNumbering } from "./citation-numbering.js";
export {
  type ConfirmationGateOptions,
  collectPendingConfirmations,
  createConfirmationGate,
  isNeedsConfirmation,
  type NeedsConfirmation,
  type PendingConfirmation,
  pendingConfirmationsKey,
  readPendingConfirmations,
  runConfirmedCalls,
} from "./confirmation.js";
export { McpConnection, type McpToolInfo } from "./mcp-connection.js";
export { McpConnections } from "./mcp-connections.js";
export { envSecrets, nothingConfirmed, type ToolContext } from "./tool-context.js";
export { isToolError, type ToolError, type ToolErrorCode } from "./tool-result.js";
