/**
 * The MCP sessions of one agent (or of several: keys are the server's name
 * and its whole spec). The runtime keeps one `McpConnections` per agent for
 * as long as the agent is loaded, passes it to `buildAgentTools` on every
 * turn, and calls `close()` when it unloads the agent or shuts down: that
 * stops every stdio child and ends every HTTP session.
 *
 * When an agent's spec changes, the next `connection(spec)` for a server whose
 * spec differs closes the old session and starts a new one.
 */
import type { McpToolSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import { canonicalJson } from "./canonical-json.js";
import { McpConnection } from "./mcp-connection.js";

export class McpConnections {
  private readonly byName = new Map<string, { fingerprint: string; connection: McpConnection }>();
  private closed = false;

  /** `fetch`: `publicFetch` for an agent of a tenant kept to public addresses (HTTP transports). */
  constructor(
    private readonly clientInfo?: { name: string; version: string },
    private readonly fetcher?: typeof fetch,
  ) {}

  /** The connection for this server spec (not yet connected: that happens on first use). */
  connection(spec: McpToolSpec): McpConnection {
    const fingerprint = canonicalJson(spec as unknown as JsonValue);
    const known = this.byName.get(spec.name);
    if (known !== undefined && known.fingerprint === fingerprint) return known.connection;
    if (known !== undefined) void known.connection.close();
    const connection = new McpConnection(spec, {
      ...(this.clientInfo === undefined ? {} : { clientInfo: this.clientInfo }),
      ...(this.fetcher === undefined ? {} : { fetch: this.fetcher }),
    });
    // After close(), connections are still handed out but refuse to connect.
    if (this.closed) void connection.close();
    else this.byName.set(spec.name, { fingerprint, connection });
    return connection;
  }

  /** Closes the sessions of servers not named in `names` (removed from the agent's spec). */
  async retain(names: ReadonlySet<string>): Promise<void> {
    const gone = [...this.byName].filter(([name]) => !names.has(name));
    for (const [name] of gone) this.byName.delete(name);
    await Promise.all(gone.map(([, { connection }]) => connection.close()));
  }

  /** How many servers have a connection object (connected or not). */
  get size(): number {
    return this.byName.size;
  }

  /** Closes every connection. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.byName.values()];
    this.byName.clear();
    await Promise.all(all.map(({ connection }) => connection.close()));
  }
}
