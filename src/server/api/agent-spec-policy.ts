import type { AgentSpec } from "../../spec/agent.js";
import { RequestError } from "../request-error.js";

/**
 * Refuses, for a tenant that is not the operator's (the default tenant), the
 * parts of an agent spec that act on the server itself rather than on the
 * tenant's own services:
 *
 * - an MCP server over `stdio` runs a command on this machine;
 * - a `{ secret: NAME }` header or environment value reads the server's
 *   environment variable NAME (it could send the operator's engine key to
 *   the tenant's webhook).
 *
 * Throws 403 `operator_only` with `param` at the first such part. The
 * operator may use both, as from the command line.
 */
export function checkAgentSpecPolicy(spec: AgentSpec, operator: boolean): void {
  if (operator) return;
  for (const [i, tool] of spec.tools.entries()) {
    if (tool.type === "webhook") refuseSecrets(tool.headers, `tools[${i}].headers`);
    if (tool.type !== "mcp") continue;
    if (tool.transport.kind === "stdio") {
      throw operatorOnly(
        "an MCP server over stdio runs a command on the server: only the operator may add one",
        `tools[${i}].transport`,
      );
    }
    refuseSecrets(tool.transport.headers, `tools[${i}].transport.headers`);
  }
}

function refuseSecrets(values: Record<string, string | { secret: string }>, at: string): void {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "object") {
      throw operatorOnly(
        "a `{ secret }` value reads the server's environment: only the operator may use one; write the value itself",
        `${at}.${key}`,
      );
    }
  }
}

function operatorOnly(message: string, param: string): RequestError {
  return new RequestError(message, { code: "operator_only", status: 403, param });
}
