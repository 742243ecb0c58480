import { redactPii } from "../../safety/redact-pii.js";
import { sanitizeCustomerText } from "../../safety/sanitize-customer-text.js";
import type { JsonValue } from "../../spec/json.js";
import type { Conversation } from "../../spec/store.js";
import type { Citation } from "../assemble-prompt.js";
import type { LoadedAgent } from "../loaded-agent.js";
import type { ConversationLog } from "./open-conversation.js";
import type { TurnMode, TurnResult } from "./turn-types.js";

/** What a turn answers, to be recorded. */
export interface Answer {
  mode: TurnMode;
  text: string;
  /** The status to report; read from the conversation when absent (a person may have taken over meanwhile). */
  status?: Conversation["status"];
  citations?: Citation[];
  toolCalls?: TurnResult["toolCalls"];
  usage?: TurnResult["usage"];
  /** Stored in the message's metadata beside the usual fields. */
  meta?: Record<string, JsonValue>;
  /** The text was sanitised and shown already, as it streamed (model answers). */
  shown?: boolean;
}

/**
 * Step 8: the answer stored as the assistant's message (sanitised, with
 * citations, tool calls masked like the customer's message, usage and
 * latency) and shown (`onDelta`) unless it streamed already. When a person
 * took the conversation, or closed it, while the turn ran, the answer is
 * not theirs to see: nothing is stored and the turn reports `human`.
 */
export async function recordAnswer(input: {
  log: ConversationLog;
  agent: LoadedAgent;
  language: string;
  startedAt: number;
  answer: Answer;
  onDelta?: ((text: string) => void) | undefined;
}): Promise<TurnResult> {
  const { log, agent, language, answer } = input;
  const { conversation } = log;
  const text = answer.shown ? answer.text : sanitizeCustomerText(answer.text);
  const base = {
    conversationId: conversation.id,
    language,
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0 },
  };
  const status = answer.status ?? (await log.status());
  if ((status === "human" || status === "closed") && answer.mode !== "human") {
    return { ...base, mode: "human", text: "", status, citations: [], latencyMs: 0, messageId: null };
  }
  const latencyMs = Math.round(performance.now() - input.startedAt);
  const citations = answer.citations ?? [];
  const stored = text
    ? await log.append({
        role: "assistant",
        content: text,
        metadata: {
          mode: answer.mode,
          language,
          latencyMs,
          citations: citations as unknown as JsonValue,
          // What tools returned (a shop system's answer about the customer) is stored masked too.
          toolCalls: maskStrings(
            (answer.toolCalls ?? []) as unknown as JsonValue,
            agent.spec.guardrails.redactPii,
          ),
          usage: (answer.usage ?? base.usage) as unknown as JsonValue,
          ...answer.meta,
        },
      })
    : undefined;
  if (text && !answer.shown) input.onDelta?.(text);
  return {
    ...base,
    ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
    ...(answer.usage ? { usage: answer.usage } : {}),
    mode: answer.mode,
    text,
    status,
    citations,
    latencyMs,
    messageId: log.stored ? (stored?.id ?? null) : null,
  };
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
