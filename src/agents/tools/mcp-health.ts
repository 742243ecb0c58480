/**
 * What went wrong with the MCP servers agents use, as the last turn of each
 * found it: a server that did not start (or could not be reached), one that
 * did not list its tools in time, one that lacks a tool its spec names. The
 * runtime records every listing here; `/readyz` shows `problems()`.
 *
 * A problem says which agent, which server and what kind of failure — never
 * the server's command, URL, stderr or any secret: `/readyz` is public. The
 * details go to the log. An MCP problem does not make the server unready:
 * the agent still answers, without that server's tools.
 */

export type McpProblemKind = "unavailable" | "list_timeout" | "missing_tool";

export interface McpServerStatus {
  /** The server's name in the agent's spec. */
  server: string;
  /** Absent when the server listed its tools and has every tool the spec names. */
  problem?: McpProblemKind;
  /** Tools the spec names that the server does not offer (`missing_tool`). */
  missingTools?: string[];
  /** The full explanation, for the log and the operator's own `chat` (may name commands and URLs). */
  message?: string;
}

export interface McpProblem {
  agentId: string;
  /** The agent's name, as shown. */
  agent: string;
  server: string;
  problem: McpProblemKind;
  missingTools?: string[];
  since: string;
}

export class McpHealth {
  private readonly byServer = new Map<string, McpProblem>();

  /** Records a server's latest status; returns true when it changed (a new problem, or one solved). */
  record(agent: { id: string; name: string }, status: McpServerStatus, now = new Date()): boolean {
    const key = `${agent.id}\u0000${status.server}`;
    const known = this.byServer.get(key);
    if (status.problem === undefined) return this.byServer.delete(key);
    const same =
      known?.problem === status.problem &&
      (known.missingTools ?? []).join(",") === (status.missingTools ?? []).join(",");
    if (same) return false;
    this.byServer.set(key, {
      agentId: agent.id,
      agent: agent.name,
      server: status.server,
      problem: status.problem,
      ...(status.missingTools ? { missingTools: status.missingTools } : {}),
      since: now.toISOString(),
    });
    return true;
  }

  /** Forgets an agent's servers (the agent was removed). */
  forget(agentId: string): void {
    for (const [key, problem] of this.byServer) if (problem.agentId === agentId) this.byServer.delete(key);
  }

  /** Each problem as one public line, e.g. `agent bakery: MCP server kitchen did not list its tools in time`. */
  problems(): string[] {
    return [...this.byServer.values()].map((p) => `agent ${p.agent}: MCP server ${p.server} ${describe(p)}`);
  }
}

function describe(p: McpProblem): string {
  switch (p.problem) {
    case "unavailable":
      return "did not start or could not be reached";
    case "list_timeout":
      return "did not list its tools in time";
    case "missing_tool":
      return `has no tool ${(p.missingTools ?? []).map((t) => JSON.stringify(t)).join(", ")}`;
  }
}
