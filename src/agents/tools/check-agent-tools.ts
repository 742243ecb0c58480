/**
 * The checks on an agent's tool specs that do not need the network: each name
 * (a built-in, a webhook, an MCP server's prefix) used once, and every webhook
 * schema one that arguments can be validated against: a JSON Schema, its
 * patterns ones a linear-time engine takes (see `compileArgumentsSchema`).
 * `buildAgentTools` runs them; so do `PUT /api/agents` and `loadAgentFile`,
 * to refuse a broken spec with its issues (each with its full path, e.g.
 * `["tools", 0, "inputSchema", "properties", "code", "pattern"]`) where it is
 * saved rather than on a customer's turn.
 *
 * `saving` adds what only a save refuses: each webhook schema must compile to
 * the grammar the embedded llama.cpp engine constrains tool calls with (an
 * ambiguous repetition such as `(a+)+` does not: the sampler would stall),
 * whatever model the agent names now, since that can change later. A turn
 * does not repeat it: a spec stored before this check still serves engines
 * that need no grammar, and the embedded one refuses the grammar by itself.
 */

import { JsonSchemaGbnf } from "../../models/llamacpp/grammar/json-schema-gbnf.js";
import type { AgentSpec } from "../../spec/agent.js";
import { ValidationError, type ValidationIssue } from "../../spec/errors.js";
import { compileArgumentsSchema } from "./arguments-schema.js";

export function checkAgentTools(spec: AgentSpec, options: { saving?: boolean } = {}): ValidationIssue[] {
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
        if (options.saving) new JsonSchemaGbnf().add(tool.inputSchema, `tool ${tool.name}`);
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        for (const issue of error.issues) {
          issues.push({ path: ["tools", index, "inputSchema", ...issue.path], message: issue.message });
        }
      }
    }
  });
  return issues;
}
