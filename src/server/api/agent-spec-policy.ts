import { isIP } from "node:net";
import { isPublicAddress } from "../../agents/index.js";
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
 *   the tenant's webhook);
 * - a webhook or MCP URL on `localhost` or a non-public IP address.
 *
 * Throws 403 `operator_only` with `param` at the first such part. The
 * operator may use both, as from the command line.
 */
export function checkAgentSpecPolicy(spec: AgentSpec, operator: boolean): void {
  if (operator) return;
  for (const [i, tool] of spec.tools.entries()) {
    if (tool.type === "webhook") {
      refuseSecrets(tool.headers, `tools[${i}].headers`);
      refusePrivateHost(tool.url, `tools[${i}].url`);
    }
    if (tool.type !== "mcp") continue;
    if (tool.transport.kind === "http") refusePrivateHost(tool.transport.url, `tools[${i}].transport.url`);
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

/**
 * What can be told from the URL alone: `localhost` or a non-public IP. A name
 * that resolves to a private address is refused when it is called (see
 * `publicFetch`), since DNS can change after this check.
 */
function refusePrivateHost(url: string, param: string): void {
  const host = new URL(url).hostname.toLowerCase();
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  const local = bare === "localhost" || bare.endsWith(".localhost");
  if (local || (isIP(bare) !== 0 && !isPublicAddress(bare))) {
    throw operatorOnly(
      `${host} is not a public internet address: only the operator's agents may call the server's own network`,
      param,
    );
  }
}

function operatorOnly(message: string, param: string): RequestError {
  return new RequestError(message, { code: "operator_only", status: 403, param });
}
