/**
 * One MCP server an agent uses (`McpToolSpec`): connected lazily on first
 * use, kept open between turns, and reconnected after it goes away.
 *
 * - stdio: the command is spawned with the spec's args and cwd, and an
 *   environment of the MCP SDK's safe defaults (PATH, HOME, …) plus the spec's
 *   `env` (values from secrets) — never the whole server environment. Its
 *   stderr is kept (last 2 KB) to explain crashes.
 * - http: streamable HTTP with the spec's headers (values from secrets).
 *
 * Failure policy: a call that fails because the connection broke (the child
 * exited, the HTTP stream dropped, the server is unreachable) or timed out
 * (a server that does not answer in time is treated as stuck) drops the
 * connection: the next call connects afresh. A 404 for the session (the HTTP
 * server restarted and forgot it) is retried once on a new session, since the
 * server refused the request without running it. Nothing else is retried:
 * tools have side effects.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpToolSpec } from "../../spec/agent.js";
import { AlambiqueError } from "../../spec/errors.js";
import { safeJsonSchemaValidator } from "./mcp-schema-validator.js";
import { loadedMcpSdk, loadMcpSdk, type McpSdk } from "./mcp-sdk.js";
import { createMcpTransport, mcpFixHint } from "./mcp-transport.js";
import { type ToolError, toolError } from "./tool-result.js";

export interface McpToolInfo {
  /** As the server names it. */
  name: string;
  description: string | undefined;
  inputSchema: Record<string, unknown>;
  /** The server says the tool changes nothing (`annotations.readOnlyHint`); it runs in dry runs. */
  readOnly: boolean;
}

type Secrets = (name: string) => string | undefined;

interface Live {
  client: Client;
  tools: McpToolInfo[] | undefined;
  /** The SDK the session was made with (imported on the first connect, see mcp-sdk.ts). */
  sdk: McpSdk;
}

const stderrKeep = 2048;
const maxListPages = 20;

export class McpConnection {
  private live: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private closed = false;
  private stderrTail = "";
  private starting: Client | undefined;

  private readonly clientInfo: { name: string; version: string };
  private readonly connectTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly fetcher: typeof fetch | undefined;

  /**
   * `connectTimeoutMs` (default 15 000) bounds starting and initialising the
   * server; it is separate from the spec's per-call `timeoutMs` because
   * spawning a server (`npx …`) takes far longer than a call. `fetch` (HTTP
   * transport only) is `publicFetch` for a tenant kept to public addresses.
   */
  constructor(
    readonly spec: McpToolSpec,
    options: {
      clientInfo?: { name: string; version: string };
      connectTimeoutMs?: number;
      closeTimeoutMs?: number;
      fetch?: typeof fetch;
    } = {},
  ) {
    this.clientInfo = options.clientInfo ?? { name: "alambique", version: "1" };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
    this.fetcher = options.fetch;
  }

  /** Whether a session is open now (for tests and status pages). */
  get connected(): boolean {
    return this.live !== undefined;
  }

  /**
   * The server's tools, listed once per session (again after it reports a
   * change or after a reconnect). Throws `AlambiqueError` when the server
   * cannot be reached or listed.
   */
  async listTools(secrets: Secrets): Promise<McpToolInfo[]> {
    for (let attempt = 0; ; attempt++) {
      const live = await this.ensure(secrets);
      if (live.tools !== undefined) return live.tools;
      try {
        const tools: McpToolInfo[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < maxListPages; page++) {
          const listed = await live.client.listTools(cursor === undefined ? undefined : { cursor }, {
            timeout: this.spec.timeoutMs,
          });
          for (const tool of listed.tools) {
            tools.push({
              name: tool.name,
              description: tool.description,
              inputSchema: tool.inputSchema,
              readOnly: tool.annotations?.readOnlyHint === true,
            });
          }
          cursor = listed.nextCursor;
          if (cursor === undefined) break;
        }
        live.tools = tools;
        return tools;
      } catch (error) {
        this.drop(live);
        if (attempt === 0 && isStaleSession(live.sdk, error)) continue;
        throw new AlambiqueError(
          `could not list the tools of the MCP server ${this.spec.name}: ${this.reason(error)}`,
          {
            code: "mcp_unavailable",
            status: 503,
            hint: mcpFixHint(this.spec),
            cause: error,
          },
        );
      }
    }
  }

  /**
   * Calls a tool by the server's name for it. Never throws: a failed call is
   * `{ ok: false, error }`. (A result whose `isError` is set is a tool that ran
   * and failed: it comes back as `ok: true`, for `mapMcpResult`.)
   */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    secrets: Secrets,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; result: CallToolResult } | { ok: false; error: ToolError }> {
    for (let attempt = 0; ; attempt++) {
      let live: Live;
      try {
        live = await this.ensure(secrets);
      } catch (error) {
        if (AlambiqueError.isInstance(error) && error.code === "missing_secret") {
          return failed("missing_secret", error.message, { hint: error.hint });
        }
        return failed(
          "unreachable",
          `could not connect to the MCP server ${this.spec.name}: ${this.reason(error)}`,
          {
            retryable: true,
            hint: "Try again later, or offer a ticket or a person.",
          },
        );
      }
      try {
        const result = await live.client.callTool({ name, arguments: args }, undefined, {
          timeout: this.spec.timeoutMs,
          signal,
        });
        return { ok: true, result: result as CallToolResult };
      } catch (error) {
        if (signal?.aborted)
          return failed("cancelled", "the turn was cancelled during the MCP call", { retryable: true });
        const { McpError, ErrorCode } = live.sdk;
        if (
          error instanceof McpError &&
          error.code !== ErrorCode.ConnectionClosed &&
          error.code !== ErrorCode.RequestTimeout
        ) {
          return failed(
            "tool_failed",
            `the MCP server ${this.spec.name} refused the call: ${error.message}`,
            {
              hint: "Check the arguments, or offer a ticket or a person.",
            },
          );
        }
        this.drop(live);
        if (attempt === 0 && isStaleSession(live.sdk, error)) continue;
        if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
          return failed(
            "timeout",
            `the MCP server ${this.spec.name} did not answer within ${this.spec.timeoutMs} ms`,
            {
              retryable: true,
              hint: "The call may have had effects: do not repeat it blindly. Offer a ticket or a person.",
            },
          );
        }
        return failed(
          "connection_lost",
          `the MCP server ${this.spec.name} went away during the call: ${this.reason(error)}`,
          {
            retryable: true,
            hint: "The call may or may not have had effects. The next call reconnects; if it fails again, offer a person.",
          },
        );
      }
    }
  }

  /**
   * Ends the session: stdio stops the child process; HTTP asks the server to
   * end its session (`DELETE` with the session id, as the streamable HTTP
   * transport specifies; waited for at most `closeTimeoutMs`, default 2 000,
   * so that a stuck server cannot hold up a shutdown), then closes the
   * stream. Idempotent; later calls fail.
   */
  async close(): Promise<void> {
    this.closed = true;
    // A connect in progress (a server that hangs on start) is cut short, not awaited.
    await this.starting?.close().catch(() => undefined);
    const live = this.live ?? (await this.connecting?.catch(() => undefined));
    this.live = undefined;
    const transport = live?.client.transport;
    // A session (`live`) exists only once the SDK is loaded.
    const http = loadedMcpSdk()?.StreamableHTTPClientTransport;
    if (http && transport instanceof http && transport.sessionId !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        transport.terminateSession().catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.closeTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await live?.client.close().catch(() => undefined);
  }

  private ensure(secrets: Secrets): Promise<Live> {
    if (this.live !== undefined) return Promise.resolve(this.live);
    this.connecting ??= this.connect(secrets).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(secrets: Secrets): Promise<Live> {
    const sdk = await loadMcpSdk();
    // Checked after the import: a close() meanwhile had no `starting` client to cut short.
    if (this.closed)
      throw new AlambiqueError(`the MCP connection ${this.spec.name} is closed`, { code: "mcp_closed" });
    const transport = createMcpTransport(
      sdk,
      this.spec,
      secrets,
      (text) => {
        this.stderrTail = (this.stderrTail + text).slice(-stderrKeep);
      },
      this.fetcher,
    );
    // No client capabilities, on purpose (README, "MCP servers"): sampling would let a server prompt the
    // agent's model with text of its own choosing, elicitation would let it question the customer past the
    // agent's guardrails, and roots would hand it the operator's file paths. Servers see none of them.
    const client = new sdk.Client(this.clientInfo, {
      capabilities: {},
      jsonSchemaValidator: safeJsonSchemaValidator,
    });
    const live: Live = { client, tools: undefined, sdk };
    client.onclose = () => {
      if (this.live === live) this.live = undefined;
    };
    // The HTTP transport reports a stream that broke mid-call only here; the
    // request itself would wait for its timeout. Closing rejects it at once.
    client.onerror = (error) => {
      if (
        this.spec.transport.kind === "http" &&
        /SSE stream disconnected|Failed to reconnect|Maximum reconnection/.test(error.message)
      ) {
        this.drop(live);
      }
    };
    client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, async () => {
      live.tools = undefined;
    });
    this.stderrTail = "";
    this.starting = client;
    try {
      await client.connect(transport, { timeout: this.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new AlambiqueError(
        `could not connect to the MCP server ${this.spec.name}: ${this.reason(error)}`,
        {
          code: "mcp_unavailable",
          status: 503,
          hint: mcpFixHint(this.spec),
          cause: error,
        },
      );
    } finally {
      this.starting = undefined;
    }
    if (this.closed) {
      await client.close().catch(() => undefined);
      throw new AlambiqueError(`the MCP connection ${this.spec.name} is closed`, { code: "mcp_closed" });
    }
    this.live = live;
    return live;
  }

  private drop(live: Live): void {
    if (this.live === live) this.live = undefined;
    void live.client.close().catch(() => undefined);
  }

  private reason(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    if (cause?.code) message += ` (${cause.code})`;
    const stderr = this.stderrTail.trim();
    return stderr ? `${message}; the server wrote: ${stderr.slice(-500)}` : message;
  }
}

function failed(...args: Parameters<typeof toolError>): { ok: false; error: ToolError } {
  return { ok: false, error: toolError(...args) };
}

/** The HTTP server no longer knows our session (it restarted): start a new one. */
function isStaleSession(sdk: McpSdk, error: unknown): boolean {
  return error instanceof sdk.StreamableHTTPError && error.code === 404;
}
