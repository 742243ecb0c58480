/**
 * The checks on an agent's tool specs that do not need the network: each name
 * (a built-in, a webhook, an MCP server's prefix) used once, and every webhook
 * schema one that arguments can be validated against. `buildAgentTools` runs
 * them; run them when an agent is created or updated too, to refuse a broken
 * spec with its issues rather than on a customer's turn.
 */
import type { AgentSpec } from "../../spec/agent.js";
import { AlambiqueError, type ValidationIssue } from "../../spec/errors.js";
import { compileArgumentsSchema } from "./arguments-schema.js";

export function checkAgentTools(spec: AgentSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  spec.tools.forEach((tool, index) => {
    const first = seen.get(tool.name);
    if (first !== undefined) {
      issues.push({
        path: ["tools", index, "name"],
        message: `"${tool.name}" is already the name of tools[${first}]; each tool (and each MCP server prefix) needs its own name`,
      });
    } else seen.set(tool.name, index);
    if (tool.type === "mcp" && tool.name.includes("__")) {
      issues.push({
        path: ["tools", index, "name"],
        message: `an MCP server name cannot contain "__": it separates the server from the tool in "${tool.name}__<tool>"`,
      });
    }
    if (tool.type === "webhook") {
      try {
        compileArgumentsSchema(tool.inputSchema, `tools[${index}].inputSchema`);
      } catch (error) {
        if (!AlambiqueError.isInstance(error)) throw error;
        issues.push({ path: ["tools", index, "inputSchema"], message: error.message });
      }
    }
  });
  return issues;
}
