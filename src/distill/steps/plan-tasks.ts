/**
 * The plan of a synthetic-data job: `count` tasks, each one row to make.
 *
 * - Question–answer and conversation tasks are cells of the grid knowledge
 *   chunk × persona × intent × difficulty × language (see balanced-cells.ts:
 *   every axis balanced, the whole grid covered when the count allows), the
 *   languages being the run's ones that the agent speaks. Hard cells carry 1–2
 *   Evol-Instruct rewrites (`evolve`, `evolveOps`); conversations a patience
 *   (the customer's most messages).
 * - Real tasks (when `realShare` > 0) are the agent's stored conversations
 *   that have a customer message and an answer, newest first.
 *
 * Deterministic: same store contents, context and seed ⇒ same tasks, same
 * keys, same order. Keys are `qa-000042-es-price`, `conv-000007-en-delivery`,
 * `real-000003`. Tasks are interleaved by kind, so a run stopped early has a
 * fair share of each. An agent with no knowledge gets only real tasks (none,
 * when real conversations are off): the engine then says to add knowledge.
 * Throws ValidationError when none of the run's languages is the agent's.
 */

import type { SynthTask } from "../../spec/distill.js";
import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { balancedCells, dealEvenly } from "./balanced-cells.js";
import { flywheelSignals } from "./flywheel-signals.js";
import { listAgentChunks } from "./list-agent-chunks.js";
import { createRandom } from "./seeded-random.js";
import { evolveOperationNames, patienceByPersona } from "./synth-grid.js";

export interface PlanOptions {
  /** Share of the grid tasks that are multi-turn conversations, 0..1. Default 0.3. */
  conversationShare?: number;
  /** At most this share of `count` comes from real stored conversations, 0..1. Default 0 (none). */
  realShare?: number;
}

export async function planTasks(
  ctx: SynthContext,
  count: number,
  options: PlanOptions = {},
): Promise<SynthTask[]> {
  const { store, tenantId, agent } = ctx;
  const languages = ctx.languages.filter((language) => agent.spec.languages.includes(language));
  if (languages.length === 0)
    throw new ValidationError(
      `the agent ${agent.name} speaks ${agent.spec.languages.join(", ")}, none of the languages asked for (${ctx.languages.join(", ")})`,
      [{ path: ["languages"], message: "no language in common with the agent" }],
      `ask for some of: ${agent.spec.languages.join(", ")}`,
    );
  const random = createRandom(ctx.seed);
  const real = await realConversationIds(ctx, Math.floor(count * (options.realShare ?? 0)));
  const chunks = await listAgentChunks(store, tenantId, agent.id);
  const gridCount = chunks.length === 0 ? 0 : count - real.length;
  const conversations = Math.round(gridCount * (options.conversationShare ?? 0.3));
  const planned = {
    qa: gridTasks("qa", gridCount - conversations),
    conv: gridTasks("conv", conversations),
    real: real.map(
      (conversationId, i): SynthTask => ({
        key: `real-${pad(i)}`,
        kind: "real",
        cell: { conversationId },
      }),
    ),
  };
  return interleave([planned.qa, planned.conv, planned.real]);

  function gridTasks(prefix: "qa" | "conv", n: number): SynthTask[] {
    const cells = balancedCells(n, languages, random);
    const dealt = dealEvenly(chunks, n, random);
    return cells.map((cell, i) => {
      const evolveOps =
        cell.difficulty === "hard" ? random.shuffle(evolveOperationNames).slice(0, 1 + random.int(2)) : [];
      const jsonCell: Record<string, JsonValue> = {
        chunkIds: [dealt[i]!.id],
        persona: cell.persona,
        intent: cell.intent,
        difficulty: cell.difficulty,
        language: cell.language,
        evolve: evolveOps.length,
        evolveOps,
      };
      if (prefix === "conv") jsonCell.patience = patienceByPersona[cell.persona];
      return {
        key: `${prefix}-${pad(i)}-${cell.language}-${cell.intent}`,
        kind: prefix === "qa" ? "qa" : "conversation",
        cell: jsonCell,
      };
    });
  }
}

/** The newest `limit` conversations of the agent with at least one customer message and one answer. */
export async function realConversationIds(ctx: SynthContext, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const conversations = await ctx.store.conversations.list(ctx.tenantId, { agentId: ctx.agent.id });
  // The flywheel first: conversations with an escalation, a takeover or a thumbs down, newest first; then the rest.
  // Looked at: the newest ones, enough to fill `limit` when most are plain.
  const flagged: string[] = [];
  const plain: string[] = [];
  for (const conversation of [...conversations].reverse().slice(0, Math.max(limit * 10, 1000))) {
    if (flagged.length >= limit) break;
    const messages = await ctx.store.messages.list(conversation.id, { limit: 200 });
    // A stateless API turn's history was written by the client, "assistant" messages included: never a target.
    if (messages.some((m) => m.metadata.origin === "request")) continue;
    if (
      messages.some((m) => m.role === "user") &&
      messages.some((m) => m.role === "assistant" && m.content.trim())
    )
      (flywheelSignals(messages).length > 0 ? flagged : plain).push(conversation.id);
  }
  return [...flagged, ...plain].slice(0, limit);
}

/** Merges lists so that each is spread evenly over the result (stable within a list). */
function interleave(lists: SynthTask[][]): SynthTask[] {
  return lists
    .flatMap((list) => list.map((task, i) => ({ task, at: (i + 0.5) / list.length })))
    .sort((a, b) => a.at - b.at)
    .map(({ task }) => task);
}

function pad(n: number): string {
  return String(n).padStart(6, "0");
}
