/**
 * One real call of a webhook tool, made exactly as an agent's turn makes it,
 * for the owner's "test call" in the console: the same tool
 * (`createWebhookTool`: secrets, headers, time limit, size cap, redirects,
 * and the address guard of `context.network`) run through the same wrapper
 * (`executeAgentTool`: arguments checked against the tool's schema first,
 * whatever goes wrong turned into a `ToolError`). Nothing here decides what
 * may be called: the caller's context does, as the runtime's does for a turn.
 *
 * The owner pressing the button is the confirmation a `requiresConfirmation`
 * tool asks for, and a test call is never a dry run: a POST really happens.
 */
import { createRetriever } from "../../knowledge/create-retriever.js";
import type { AgentSpec, WebhookToolSpec } from "../../spec/agent.js";
import type { Store } from "../../spec/store.js";
import { executeAgentTool } from "./agent-tool.js";
import type { NetworkPolicy } from "./public-network.js";
import type { ToolContext } from "./tool-context.js";
import { isToolError, type ToolError } from "./tool-result.js";
import type { WebhookAnswer } from "./webhook-request.js";
import { createWebhookTool } from "./webhook-tool.js";

export interface WebhookTestCall {
  /** Wall time of the call, arguments' check included, in ms. */
  latencyMs: number;
  /** What the model would have read: the answer, or the failure with its hint. */
  outcome: { ok: true; answer: WebhookAnswer } | { ok: false; error: ToolError };
}

/**
 * Never rejects for a failed call (a timeout, a refused address, a non-2xx
 * answer are `ToolError`s); throws `ValidationError` only when the spec's
 * `inputSchema` cannot be compiled, as building the agent's tools would.
 */
export async function testWebhookCall(
  spec: WebhookToolSpec,
  args: unknown,
  options: {
    store: Store;
    tenantId: string;
    agent: { id: string; spec: AgentSpec };
    /** As `ToolContext.secrets`: the runtime's are `envSecrets()`. */
    secrets: (name: string) => string | undefined;
    /** As `ToolContext.network`: `public` for every tenant but the operator's. */
    network: NetworkPolicy;
    signal?: AbortSignal;
  },
): Promise<WebhookTestCall> {
  const { store, tenantId, agent, secrets, network, signal } = options;
  const context: ToolContext = {
    tenantId,
    agentId: agent.id,
    agent: agent.spec,
    conversationId: null,
    externalUserId: "console:test-call",
    store,
    retriever: createRetriever({ store }),
    now: () => new Date(),
    secrets,
    network,
    dryRun: false,
    confirmed: () => true,
  };
  const tool = createWebhookTool(spec, context, "tool");
  const started = performance.now();
  const result = await executeAgentTool(tool, context, args, { toolCallId: "test-call", signal });
  const latencyMs = Math.round(performance.now() - started);
  return isToolError(result)
    ? { latencyMs, outcome: { ok: false, error: result } }
    : { latencyMs, outcome: { ok: true, answer: result as WebhookAnswer } };
}
