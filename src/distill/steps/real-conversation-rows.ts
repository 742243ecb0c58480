/**
 * Rows from real stored conversations of the agent, with personal data
 * masked (`redactPii` on every text, `redactJson` inside tool arguments and
 * results) whether or not the agent redacted at run time.
 *
 * A conversation is taken up to its last agent answer, or up to its first
 * correction (see flywheel-correction.ts): a person's reply after taking it
 * over, or the teacher's shadow answer the student disagreed with, replaces
 * the answer of the turn it corrects and ends the row; a disliked answer is
 * answered afresh by the teacher (teacher-rewrite.ts). Tool calls stored
 * with an answer (`metadata.toolCalls`) come back as OpenAI tool calls and
 * results. The system prompt is the one the runtime built for the last
 * answer: the same passages (`metadata.retrievedChunkIds`) in the same order,
 * so its citation ids match that answer's.
 *
 * Throws AlambiqueError `conversation_unusable` (not retryable: the engine
 * drops the row) when the conversation is gone or has no answer to learn from.
 */
import { assemblePrompt, createCitationNumbering, toModelOutput } from "../../agents/index.js";
import { detectLanguage } from "../../safety/detect-language.js";
import { redactPii } from "../../safety/redact-pii.js";
import type { SynthRow, SynthTask, TrainingMessage } from "../../spec/distill.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { ChunkHit } from "../../spec/knowledge.js";
import type { Message } from "../../spec/store.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { flywheelCorrection } from "./flywheel-correction.js";
import { flywheelSignals } from "./flywheel-signals.js";
import { realConversationIds } from "./plan-tasks.js";
import { redactJson } from "./redact-json.js";
import { readCell, realCellSchema } from "./task-cell.js";
import { teacherRewrite } from "./teacher-rewrite.js";

export async function runRealTask(ctx: SynthContext, task: SynthTask): Promise<SynthRow> {
  const { conversationId } = readCell(task, realCellSchema);
  return realConversationRow(ctx, conversationId, task.key);
}

/** Rows from the agent's newest `limit` usable conversations, keyed `real-000000`, `real-000001`… newest first. */
export async function realConversationRows(ctx: SynthContext, limit: number): Promise<SynthRow[]> {
  const ids = await realConversationIds(ctx, limit);
  const rows: SynthRow[] = [];
  for (const [i, id] of ids.entries())
    rows.push(await realConversationRow(ctx, id, `real-${String(i).padStart(6, "0")}`));
  return rows;
}

export async function realConversationRow(
  ctx: SynthContext,
  conversationId: string,
  key: string,
): Promise<SynthRow> {
  const conversation = await ctx.store.conversations.get(ctx.tenantId, conversationId);
  // A stateless API turn's copied history was written by the client, not the agent: left out (see plan-tasks.ts).
  const stored = (conversation ? await ctx.store.messages.list(conversationId) : []).filter(
    (m) => m.metadata.origin !== "request",
  );
  const signals = flywheelSignals(stored);
  const correction = flywheelCorrection(stored);
  // A customer's thumbs down: the teacher answers that message instead, after the turns before it.
  if (correction?.kind === "thumbs_down")
    return teacherRewrite(ctx, conversationId, correction.before, key, signals);
  // A person's reply, or the teacher's shadow answer, replaces the answer of the turn it corrects.
  const replaced = correction?.kind === "replace" ? correction : undefined;
  const lastAnswer = stored.findLastIndex((m) => m.role === "assistant" && m.content.trim() !== "");
  const kept = (replaced ? replaced.kept : stored.slice(0, lastAnswer + 1)).filter(
    (m) => m.role === "user" || m.role === "assistant",
  );
  if (
    replaced
      ? replaced.question.length === 0 || !replaced.text.trim()
      : lastAnswer < 0 || !kept.some((m) => m.role === "user")
  )
    throw new AlambiqueError(`conversation ${conversationId} has no answer of the agent to learn from`, {
      code: "conversation_unusable",
      status: 422,
      retryable: false,
      hint: "it was removed, or a person answered it from the start",
    });

  const messages: TrainingMessage[] = [];
  const citedChunks = new Set<string>();
  for (const message of kept) {
    if (message.role === "user") {
      messages.push({ role: "user", content: redactPii(message.content).text });
      continue;
    }
    messages.push(...toolRound(message));
    if (message.content.trim() !== "")
      messages.push({ role: "assistant", content: redactPii(message.content).text });
    for (const citation of records(message.metadata.citations))
      if (typeof citation.chunkId === "string") citedChunks.add(citation.chunkId);
  }
  if (replaced) {
    // The customer's messages of the corrected turn as one (they were answered together), then the correction.
    const question = replaced.question.map((m) => redactPii(m.content).text).join("\n\n");
    messages.push({ role: "user", content: question });
    messages.push({ role: "assistant", content: redactPii(replaced.text).text });
    kept.push(...replaced.question);
  }
  const last = replaced ? (replaced.promptFrom ?? kept[kept.length - 1]!) : kept[kept.length - 1]!;
  const language = languageOf(ctx, kept);
  const system = await systemPromptFor(ctx, last, kept, language);
  return {
    key,
    messages: [{ role: "system", content: system }, ...messages],
    intent: "unknown",
    provenance: {
      kind: "real",
      chunkIds: [...citedChunks],
      language,
      evolved: 0,
      teacher: ctx.agent.spec.model ?? "retrieval",
      seed: ctx.seed,
      conversationId,
      ...(signals.length > 0 ? { signals } : {}),
    },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

/** The agent's stored tool calls of one answer (`{name, input, output}`), as a call message and results. */
function toolRound(message: Message): TrainingMessage[] {
  const calls = records(message.metadata.toolCalls).filter(
    (call) => typeof call.name === "string" && call.name !== "",
  );
  if (calls.length === 0) return [];
  const ids = calls.map((_, i) => `call_${message.seq}_${i + 1}`);
  return [
    {
      role: "assistant",
      content: null,
      tool_calls: calls.map((call, i) => ({
        id: ids[i]!,
        type: "function" as const,
        function: { name: call.name as string, arguments: JSON.stringify(redactJson(call.input ?? {})) },
      })),
    },
    ...calls.map((call, i): TrainingMessage => {
      const output = toModelOutput({ output: redactJson(call.output) });
      return {
        role: "tool",
        tool_call_id: ids[i]!,
        content:
          output.type === "text" || output.type === "error-text"
            ? String(output.value)
            : JSON.stringify("value" in output ? output.value : null),
      };
    }),
  ];
}

async function systemPromptFor(
  ctx: SynthContext,
  last: Message,
  kept: Message[],
  language: string,
): Promise<string> {
  const ids = Array.isArray(last.metadata.retrievedChunkIds)
    ? last.metadata.retrievedChunkIds.filter((id): id is string => typeof id === "string")
    : [];
  const chunks = ids.length > 0 ? await ctx.store.knowledge.getChunks(ctx.tenantId, ids) : [];
  const sources = new Map(
    (await ctx.store.knowledge.listSources(ctx.tenantId, ctx.agent.id)).map((s) => [s.id, s]),
  );
  const hits: ChunkHit[] = chunks.flatMap((chunk) => {
    const source = sources.get(chunk.sourceId);
    return source ? [{ chunk, source: { id: source.id, uri: source.uri, kind: source.kind }, score: 0 }] : [];
  });
  const question = [...kept].reverse().find((m) => m.role === "user");
  return assemblePrompt({
    cite: createCitationNumbering().cite,
    spec: ctx.agent.spec,
    language,
    hits,
    history: [],
    message: question?.content ?? "",
    budgetTokens: 3584,
    now: new Date(last.createdAt),
  }).system;
}

function languageOf(ctx: SynthContext, kept: Message[]): string {
  const stored = [...kept].reverse().find((m) => typeof m.metadata.language === "string")?.metadata.language;
  if (typeof stored === "string") return stored;
  const text = kept
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
  return detectLanguage(text, ctx.agent.spec.languages);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter(
        (v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v),
      )
    : [];
}
