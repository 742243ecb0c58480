/**
 * What every tool of an agent gets at call time. The runtime builds one per
 * turn (a customer message and the model steps that answer it) and passes it
 * to `buildAgentTools`; the tools close over it, so a context is never shared
 * between conversations.
 */
import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Retriever } from "../../spec/knowledge.js";
import type { Store } from "../../spec/store.js";
import type { CitationNumbering } from "./citation-numbering.js";
import type { NetworkPolicy } from "./public-network.js";

export interface ToolContext {
  tenantId: string;
  /** The stored agent's id (`AgentRecord.id`). */
  agentId: string;
  /** The agent's parsed spec (`agentSpecSchema`): handoff message, business hours, tool specs. */
  agent: AgentSpec;
  /**
   * The stored conversation this turn belongs to. `null` when the turn is not
   * persisted (an evaluation, a synthetic-data run): `handoff_to_human` then
   * refuses unless `dryRun`, and tickets are created without a conversation.
   */
  conversationId: string | null;
  /** The customer's id in the channel (widget cookie, phone, `user` field); stored with tickets. */
  externalUserId: string;
  store: Store;
  retriever: Retriever;
  /** The current instant. Injected so business hours and expiries are testable. */
  now(): Date;
  /**
   * A secret by name (`{ secret: NAME }` in a spec), or undefined when it is
   * not set. Normally `envSecrets()`: the server's environment variables.
   * Values never appear in a tool result, an error or a log.
   */
  secrets(name: string): string | undefined;
  /**
   * Synthetic-data and evaluation runs: tools with effects outside the
   * conversation (webhooks other than GET, MCP tools not marked read-only,
   * `create_ticket`, `handoff_to_human`) do not call out or write; they return
   * a result marked `simulated: true`. Read-only tools run for real.
   */
  dryRun: boolean;
  /**
   * Where webhooks may connect: `public` (internet addresses only, for every
   * tenant but the operator's: see `public-network.ts`) or `any`. Default `any`.
   */
  network?: NetworkPolicy;
  /**
   * Whether the customer has confirmed this exact call (same tool name, same
   * validated arguments). Asked only by tools that require confirmation,
   * immediately before they would run; a gate from `createConfirmationGate`
   * answers true at most once per confirmed call. See `confirmation.ts`.
   */
  confirmed(toolName: string, args: JsonValue): boolean;
  /**
   * The turn's citation ids (`S1`, `S2`…) for retrieved passages. Optional:
   * the runtime passes one `createCitationNumbering()` shared with the
   * passages it puts in the prompt itself, so ids never clash within a turn,
   * and reads `cite.cited()` afterwards for the message's metadata. Absent:
   * each `search_knowledge` call numbers its hits from S1.
   */
  cite?: CitationNumbering;
}

/**
 * Secrets from environment variables (default `process.env`). An empty value
 * counts as not set: `FOO=` in a unit file is a mistake, not a secret.
 */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): (name: string) => string | undefined {
  return (name) => {
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
  };
}

/** The gate for turns with nothing pending: no call is confirmed. */
export function nothingConfirmed(): boolean {
  return false;
}
