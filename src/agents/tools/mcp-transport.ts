/**
 * The client transport for an MCP server spec. Header and environment values
 * given as `{ secret: NAME }` are resolved here, at connect time; a missing
 * one throws `AlambiqueError` with code `missing_secret` naming it (never a value).
 *
 * stdio children get the MCP SDK's safe default environment (PATH, HOME, …)
 * plus the spec's `env`, never the whole server environment; their stderr is
 * piped to `onStderr` (the MCP SDK would otherwise let it through to ours).
 */
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpToolSpec } from "../../spec/agent.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { McpSdk } from "./mcp-sdk.js";
import { resolveSecretValues } from "./resolve-secret-values.js";

/** `sdk`: the loaded MCP SDK (`loadMcpSdk`), whose transport classes are used. */
export function createMcpTransport(
  sdk: McpSdk,
  spec: McpToolSpec,
  secrets: (name: string) => string | undefined,
  onStderr: (text: string) => void,
  fetcher?: typeof fetch,
): StdioClientTransport | StreamableHTTPClientTransport {
  const { transport } = spec;
  const values = transport.kind === "stdio" ? transport.env : transport.headers;
  const resolved = resolveSecretValues(values, secrets, `the MCP server ${spec.name}`);
  if (!resolved.ok) {
    throw new AlambiqueError(resolved.error.error, {
      code: "missing_secret",
      status: 503,
      hint: resolved.error.hint,
    });
  }
  if (transport.kind === "http") {
    return new sdk.StreamableHTTPClientTransport(new URL(transport.url), {
      requestInit: { headers: resolved.values },
      ...(fetcher ? { fetch: fetcher } : {}),
    });
  }
  const stdio = new sdk.StdioClientTransport({
    command: transport.command,
    args: transport.args,
    env: resolved.values,
    ...(transport.cwd === undefined ? {} : { cwd: transport.cwd }),
    stderr: "pipe",
  });
  stdio.stderr?.on("data", (chunk: Buffer) => onStderr(chunk.toString("utf8")));
  return stdio;
}

/** What to check when a server cannot be reached, for a person. */
export function mcpFixHint(spec: McpToolSpec): string {
  const { transport } = spec;
  return transport.kind === "stdio"
    ? `Check that "${transport.command} ${transport.args.join(" ")}" starts an MCP server on stdio${transport.cwd ? ` in ${transport.cwd}` : ""}.`
    : `Check that an MCP server answers streamable HTTP at ${transport.url} and accepts the configured headers.`;
}
