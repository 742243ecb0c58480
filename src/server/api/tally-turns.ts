import type { AgentRecord, Conversation, Store } from "../../spec/store.js";
import { everyConversation } from "../../store/every-conversation.js";

/** One agent's answers with one model on one UTC day. */
export interface TurnTally {
  day: string;
  agent: string;
  /** The catalog model that answered; null for answers from documents (retrieval mode) or a person. */
  model: string | null;
  turns: number;
  handoffs: number;
  inputTokens: number;
  outputTokens: number;
  latencyMsTotal: number;
  /** The customers' ratings of these answers (thumbs up, down), counted on the answer's day. */
  ratedUp: number;
  ratedDown: number;
}

/**
 * Tallies the tenant's agent answers since `since` (YYYY-MM-DD, UTC) from the
 * messages themselves (each assistant message records its usage, latency,
 * mode and, student-first, who answered): turns, handoffs, tokens,
 * latency and the customers' ratings per (day, agent, model). Reads every conversation's row, and the
 * messages of those touched since `since`; at most `maxConversations` of
 * those (the newest), `truncated` saying when there were more.
 */
export async function tallyTurns(
  store: Store,
  tenantId: string,
  since: string,
  maxConversations: number,
): Promise<{ tallies: TurnTally[]; truncated: boolean }> {
  const agents = new Map<string, AgentRecord>((await store.agents.list(tenantId)).map((a) => [a.id, a]));
  const recent: Conversation[] = [];
  for await (const conversation of everyConversation(store, tenantId))
    if (conversation.updatedAt.slice(0, 10) >= since) recent.push(conversation);
  recent.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const tallies = new Map<string, TurnTally>();
  for (const conversation of recent.slice(0, maxConversations)) {
    const agent = agents.get(conversation.agentId);
    if (!agent) continue;
    for (const message of await store.messages.list(conversation.id)) {
      const day = message.createdAt.slice(0, 10);
      if (message.role !== "assistant" || day < since) continue;
      const meta = message.metadata as {
        mode?: string;
        latencyMs?: number;
        usage?: { inputTokens?: number; outputTokens?: number };
        routing?: { answeredBy?: string };
      };
      const model = modelOf(agent, meta.mode, meta.routing?.answeredBy);
      const key = `${day}\u0000${agent.name}\u0000${model ?? ""}`;
      const tally = tallies.get(key) ?? {
        day,
        agent: agent.name,
        model,
        turns: 0,
        handoffs: 0,
        inputTokens: 0,
        outputTokens: 0,
        latencyMsTotal: 0,
        ratedUp: 0,
        ratedDown: 0,
      };
      tally.turns += 1;
      if (meta.mode === "handoff") tally.handoffs += 1;
      tally.inputTokens += meta.usage?.inputTokens ?? 0;
      tally.outputTokens += meta.usage?.outputTokens ?? 0;
      tally.latencyMsTotal += meta.latencyMs ?? 0;
      if (message.feedback === "up") tally.ratedUp += 1;
      if (message.feedback === "down") tally.ratedDown += 1;
      tallies.set(key, tally);
    }
  }
  const sorted = [...tallies.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.agent.localeCompare(b.agent) ||
      (a.model ?? "").localeCompare(b.model ?? ""),
  );
  return { tallies: sorted, truncated: recent.length > maxConversations };
}

/** The model that answered, as the agent's spec names it now (an answer does not record the model's name). */
function modelOf(
  agent: AgentRecord,
  mode: string | undefined,
  answeredBy: string | undefined,
): string | null {
  if (mode !== "model" && mode !== "handoff") return null;
  const spec = agent.spec as { model?: string; fallbackModel?: string };
  if (answeredBy === "teacher") return spec.fallbackModel ?? null;
  return spec.model ?? null;
}
