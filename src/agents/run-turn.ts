import { stepCountIs, streamText, type ToolSet } from "ai";
import { createCustomerTextStream } from "../safety/customer-text-stream.js";
import { detectLanguage } from "../safety/detect-language.js";
import { looksLikeInjection } from "../safety/fence-untrusted.js";
import { redactPii } from "../safety/redact-pii.js";
import { sanitizeCustomerText } from "../safety/sanitize-customer-text.js";
import type { AgentSpec } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { RetrievedHit, Retriever } from "../spec/knowledge.js";
import type { LanguageModelV3 } from "../spec/models.js";
import type { AgentRecord, Conversation, Message, Store } from "../spec/store.js";
import { assemblePrompt, type Citation, citedIds } from "./assemble-prompt.js";
import { handoffTopic, requestsHuman, withinAllowedTopics } from "./handoff-rules.js";
import { phrases, pick } from "./localized.js";
import { answerableHits, retrievalAnswer } from "./retrieval-answer.js";
import { smallTalk } from "./small-talk.js";
import { isAffirmative } from "./tools/affirmative-reply.js";
import { canonicalJson } from "./tools/canonical-json.js";
import { type CitationNumbering, createCitationNumbering } from "./tools/citation-numbering.js";
import {
  collectPendingConfirmations,
  type PendingConfirmation,
  pendingConfirmationsKey,
  pendingFromHistory,
  runConfirmedCalls,
} from "./tools/confirmation.js";
import { turnFailure } from "./turn-failure.js";

/** Longest customer message handled, in characters; longer ones get a polite request to shorten. */
export const MAX_MESSAGE_CHARS = 8000;

export type TurnMode = "model" | "retrieval" | "handoff" | "human" | "refusal" | "too_long" | "small_talk";

export interface TurnResult {
  conversationId: string;
  /** The conversation's status after the turn. */
  status: Conversation["status"];
  mode: TurnMode;
  language: string;
  /** The agent's reply; empty when a person is handling the conversation. */
  text: string;
  citations: Citation[];
  toolCalls: { name: string; input: unknown; output: unknown }[];
  usage: { inputTokens: number; outputTokens: number };
  latencyMs: number;
  /** The persisted assistant message, when there is a reply. */
  messageId: string | null;
}

/** A stored agent with its spec parsed. */
export type LoadedAgent = Omit<AgentRecord, "spec"> & { spec: AgentSpec };

export interface TurnDeps {
  store: Store;
  retriever: Retriever;
  /** The agent's model, or undefined in retrieval mode. */
  model: LanguageModelV3 | undefined;
  /** Context size of the model in tokens, for the history budget. */
  contextTokens: number;
  /**
   * The agent's tools for this conversation, numbering citations with `cite`;
   * `pending` are the calls waiting for the customer's confirmation (see
   * tools/confirmation.ts), which this turn's reply may confirm.
   */
  tools: (
    conversation: Conversation,
    citations: CitationNumbering,
    pending: PendingConfirmation[],
  ) => Promise<ToolSet>;
  now: () => Date;
}

export interface TurnInput {
  agent: LoadedAgent;
  externalUserId: string;
  message: string;
  /** Called with each piece of the reply as it is generated. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

const ANSWER_TOKENS = 512;

/**
 * One customer turn: input guardrails → retrieval → model with tools (or the
 * retrieval-mode answer) → persist both messages with citations, tool calls,
 * usage and latency. Never throws for what a customer typed; model and tool
 * failures inside the loop go back to the model as results (see tools/).
 *
 * What the customer is shown (and what is stored for them to read back) is
 * sanitised text (`sanitizeCustomerText`; a model's reply piece by piece, as
 * it streams) naming sources by file name. A turn that fails otherwise (the
 * engine is unreachable, the store is down) throws a `CustomerFacingError`:
 * a polite message in the conversation's language, the failure as its cause.
 */
export async function runTurn(deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  const progress = { language: input.agent.spec.languages[0] ?? "en" };
  try {
    return await answerTurn(deps, input, progress);
  } catch (error) {
    throw turnFailure(error, progress.language, input.signal);
  }
}

async function answerTurn(
  deps: TurnDeps,
  input: TurnInput,
  progress: { language: string },
): Promise<TurnResult> {
  const started = performance.now();
  const { store } = deps;
  const { agent } = input;
  const spec = agent.spec;
  // Find-or-create in one transaction: two server processes on one store cannot open two conversations.
  const conversation = await store.transaction(
    async (tx) =>
      (await tx.conversations.findOpen(agent.tenantId, agent.id, input.externalUserId)) ??
      (await tx.conversations.create({
        tenantId: agent.tenantId,
        agentId: agent.id,
        externalUserId: input.externalUserId,
      })),
  );
  const history = await store.messages.list(conversation.id);
  const previousLanguage = [...history].reverse().find((m) => typeof m.metadata.language === "string")
    ?.metadata.language;

  const tooLong = input.message.length > MAX_MESSAGE_CHARS;
  const raw = tooLong ? `${input.message.slice(0, MAX_MESSAGE_CHARS)} [truncated]` : input.message;
  const redaction = spec.guardrails.redactPii ? redactPii(raw) : { text: raw, found: {} };
  const message = redaction.text;
  const language = detectLanguage(message, spec.languages, previousLanguage as string | undefined);
  progress.language = language;
  const userMeta: Record<string, JsonValue> = { language, chars: input.message.length };
  if (Object.keys(redaction.found).length > 0) userMeta.redacted = redaction.found as Record<string, number>;
  if (looksLikeInjection(message)) userMeta.flags = ["possible_prompt_injection"];
  await store.messages.append({
    conversationId: conversation.id,
    role: "user",
    content: message,
    metadata: userMeta,
  });

  const base = {
    conversationId: conversation.id,
    language,
    citations: [],
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0 },
  };
  // What the runtime says itself (spec texts, phrases, a document's passage) is sanitised here; a model's
  // reply was sanitised as it streamed (`sanitized`), so what is stored is exactly what was shown.
  const reply = async (
    mode: TurnMode,
    unsafeText: string,
    extra: Partial<TurnResult> & { meta?: Record<string, JsonValue>; sanitized?: boolean } = {},
  ) => {
    const text = extra.sanitized ? unsafeText : sanitizeCustomerText(unsafeText);
    const status =
      extra.status ??
      (await store.conversations.get(agent.tenantId, conversation.id))?.status ??
      conversation.status;
    // A person took the conversation, or closed it, while this turn ran: the agent's reply is not theirs to see.
    if ((status === "human" || status === "closed") && mode !== "human") {
      return {
        ...base,
        mode: "human" as const,
        text: "",
        status,
        citations: [],
        latencyMs: 0,
        messageId: null,
      };
    }
    const latencyMs = Math.round(performance.now() - started);
    const citations = extra.citations ?? [];
    const stored = text
      ? await store.messages.append({
          conversationId: conversation.id,
          role: "assistant",
          content: text,
          metadata: {
            mode,
            language,
            latencyMs,
            citations: citations as unknown as JsonValue,
            // What tools returned (a shop system's answer about the customer) is stored masked too.
            toolCalls: maskStrings(
              (extra.toolCalls ?? []) as unknown as JsonValue,
              spec.guardrails.redactPii,
            ),
            usage: (extra.usage ?? base.usage) as unknown as JsonValue,
            ...extra.meta,
          },
        })
      : undefined;
    if (text && !extra.sanitized) input.onDelta?.(text);
    const { meta: _meta, sanitized: _sanitized, ...result } = extra;
    return { ...base, ...result, mode, text, status, citations, latencyMs, messageId: stored?.id ?? null };
  };

  if (conversation.status === "waiting_human" || conversation.status === "human") {
    return reply("human", "", { status: conversation.status });
  }
  if (tooLong) return reply("too_long", pick(undefined, language, phrases.tooLong));
  if ((spec.handoff.onRequest && requestsHuman(message)) || handoffTopic(message, spec)) {
    await store.conversations.setStatus(agent.tenantId, conversation.id, "waiting_human");
    return reply("handoff", pick(spec.handoff.message, language, phrases.handoff), {
      status: "waiting_human",
      meta: {
        handoffReason: requestsHuman(message) ? "customer_request" : `topic:${handoffTopic(message, spec)}`,
      },
    });
  }

  // "yes" to a call the agent proposed last turn: neither small talk nor off topic (see `deps.tools`).
  const pending = pendingFromHistory(history);
  const confirming = deps.model !== undefined && isAffirmative(message) && pending.length > 0;
  const chat = confirming ? undefined : smallTalk(message);
  if (chat)
    return reply(
      "small_talk",
      chat === "greeting"
        ? pick(spec.greeting, language, phrases.greeting)
        : pick(undefined, language, phrases[chat]),
    );

  const hits = await deps.retriever.search({
    tenantId: agent.tenantId,
    agentId: agent.id,
    query: message,
    limit: 5,
  });
  const confidence = hits[0]?.confidence ?? 0;
  const onTopic =
    confirming || withinAllowedTopics(message, spec) || confidence >= spec.handoff.minConfidence;
  if (!onTopic) return reply("refusal", pick(spec.guardrails.refusal, language, phrases.refusal));

  if (!deps.model) return answerFromDocuments(hits);

  const numbering = createCitationNumbering();
  const prompt = assemblePrompt({
    cite: numbering.cite,
    spec,
    language,
    hits,
    history,
    message,
    budgetTokens: Math.max(512, deps.contextTokens - ANSWER_TOKENS),
    now: deps.now(),
  });
  const tools = await deps.tools(conversation, numbering, pending);
  // The customer said yes to calls the agent proposed last turn: run them now, so that even a small
  // model only has to report the outcome. They are recorded with this turn's tool calls, and a model
  // that proposes one of them again is not asked to confirm it again (it ran).
  const confirmedCalls: { name: string; input: JsonValue; output: unknown }[] = [];
  if (pending.length > 0 && isAffirmative(message)) {
    const confirmed = await runConfirmedCalls(
      tools,
      pending,
      input.signal ? { abortSignal: input.signal } : {},
    );
    prompt.messages.push(...confirmed.messages);
    for (const [i, call] of pending.entries()) {
      confirmedCalls.push({ name: call.toolName, input: call.args, output: confirmed.outputs[i] });
    }
  }
  const result = streamText({
    model: deps.model,
    system: prompt.system,
    messages: prompt.messages,
    tools,
    stopWhen: stepCountIs(spec.maxSteps),
    maxOutputTokens: ANSWER_TOKENS,
    maxRetries: 0,
    ...(input.signal ? { abortSignal: input.signal } : {}),
    onError: () => {},
  });
  let text = "";
  const shown = createCustomerTextStream();
  const show = (safe: string) => {
    if (safe === "") return;
    text += safe;
    input.onDelta?.(safe);
  };
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") show(shown.push(part.text));
    else if (part.type === "error") throw part.error;
  }
  show(shown.end());
  const steps = await result.steps;
  const toolCalls = [
    ...confirmedCalls,
    ...steps.flatMap((step) =>
      step.toolResults.map((r) => ({ name: r.toolName, input: r.input, output: r.output })),
    ),
  ];
  const usage = await result.totalUsage;
  const status =
    (await store.conversations.get(agent.tenantId, conversation.id))?.status ?? conversation.status;
  const used = citedIds(text);
  const citations = numbering
    .cited()
    .filter((c) => used.includes(c.id))
    .map((c) => ({ id: c.id, chunkId: c.chunkId, uri: c.source, location: c.location }));
  const ran = new Set(confirmedCalls.map((call) => `${call.name}\u0000${canonicalJson(call.input)}`));
  const awaiting = collectPendingConfirmations(steps, deps.now()).filter(
    (call) => !ran.has(`${call.toolName}\u0000${canonicalJson(call.args)}`),
  );
  if (!text.trim() && status === "bot" && awaiting.length === 0) return answerFromDocuments(hits);
  // A "yes" next turn runs exactly these calls: the customer is shown them in the runtime's own words,
  // whatever the model wrote (a small model may not have asked at all, or asked about something else).
  let answer = text.trim();
  if (awaiting.length > 0) {
    const block = sanitizeCustomerText(
      `${pick(undefined, language, phrases.confirm)}\n${awaiting.map((call) => `- ${call.summary}`).join("\n")}`,
    );
    input.onDelta?.(`${answer ? "\n\n" : ""}${block}`);
    answer = answer ? `${answer}\n\n${block}` : block;
  }
  return reply(status === "waiting_human" ? "handoff" : "model", answer, {
    sanitized: true,
    status,
    citations,
    toolCalls,
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 },
    meta: {
      retrievedChunkIds: hits.map((h) => h.chunk.id),
      summarisedTurns: prompt.summarisedTurns,
      ...(awaiting.length > 0 ? { [pendingConfirmationsKey]: awaiting as unknown as JsonValue } : {}),
    },
  });

  /** The best passage that may answer (never one that gives the assistant orders), or not found. */
  async function answerFromDocuments(found: RetrievedHit[]): Promise<TurnResult> {
    const best = answerableHits(found)[0];
    const score = best?.confidence ?? 0;
    const answer = best && score >= spec.handoff.minConfidence ? retrievalAnswer(best, language) : undefined;
    if (answer) {
      return reply("retrieval", answer.text, {
        citations: answer.citations,
        meta: { confidence: score, retrievedChunkIds: found.map((h) => h.chunk.id) },
      });
    }
    const failures = consecutiveFailures(history) + 1;
    if (failures >= spec.handoff.afterFailures) {
      await store.conversations.setStatus(agent.tenantId, conversation.id, "waiting_human");
      return reply("handoff", pick(spec.handoff.message, language, phrases.handoff), {
        status: "waiting_human",
        meta: { handoffReason: "repeated_failure", failed: true, confidence: score },
      });
    }
    return reply("retrieval", pick(undefined, language, phrases.notFound), {
      meta: { failed: true, confidence: score },
    });
  }
}

/** Unanswered turns in a row at the end of the history (assistant messages marked `failed`). */
function consecutiveFailures(history: Message[]): number {
  let count = 0;
  for (const message of [...history].reverse()) {
    if (message.role !== "assistant") continue;
    if (message.metadata.failed !== true) break;
    count++;
  }
  return count;
}

/** Every string inside a JSON value through `redactPii` (when `on`). */
function maskStrings(value: JsonValue, on: boolean): JsonValue {
  if (!on) return value;
  if (typeof value === "string") return redactPii(value).text;
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, on));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item, on)]));
  }
  return value;
}
