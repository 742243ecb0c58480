import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import {
  type CompletionMeta,
  isWholeToolInput,
  mapFinishReason,
  type OpenAIFinishReason,
} from "./map-chat-response.js";
import { NO_USAGE, type OpenAIUsage, toOpenAIUsage } from "./openai-usage.js";

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: {
    index: 0;
    delta: {
      role?: "assistant";
      content?: string;
      reasoning_content?: string;
      tool_calls?: ChunkToolCallDelta[];
    };
    finish_reason: OpenAIFinishReason | null;
    logprobs: null;
    alambique?: AlambiqueChoiceExtension;
  }[];
  /** Present (null until the last chunk) only when the client asked for `stream_options.include_usage`. */
  usage?: OpenAIUsage | null;
}

export interface ChatChunkMapper {
  /** The opening chunk that announces the assistant role, sent before any output. */
  start(): ChatCompletionChunk;
  /** The chunks one stream part becomes: none for bookkeeping parts. `error` parts are the caller's to handle. */
  push(part: LanguageModelV3StreamPart): ChatCompletionChunk[];
  /**
   * The last chunk of a stream the server ends early (shutting down): finish
   * reason `length`, which clients read as a complete but truncated answer,
   * and `alambique.interrupted`. No usage chunk follows: the count is unknown.
   */
  interrupt(): ChatCompletionChunk;
}

/**
 * Maps the spec's stream parts to OpenAI chat completion chunks, in the order
 * OpenAI sends them: role, content / tool call deltas, a chunk with the finish
 * reason, then (when asked) one chunk with no choices and the usage.
 *
 * A tool call is sent whole, in one chunk (id, name, arguments), once its
 * provider has finished it (the `tool-call` part): arguments streamed in
 * pieces (`tool-input-*`) are held until then. A call that a token limit cut
 * short (pieces and no `tool-call` by the finish, or arguments that are not a
 * JSON object) is never sent, and the stream finishes with `length`: a client
 * can neither run a half call nor mistake the answer for complete. The same
 * rule holds without streaming (see `toChatCompletion`). Tool calls get an
 * OpenAI `index` in the order they are sent.
 */
export function createChatChunkMapper(
  meta: CompletionMeta,
  options: { includeUsage: boolean },
): ChatChunkMapper {
  /** Calls whose arguments are still coming, by id. */
  const open = new Set<string>();
  let sent = 0;
  let cut = 0;
  const chunk = (
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finishReason: OpenAIFinishReason | null = null,
  ): ChatCompletionChunk => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...(options.includeUsage ? { usage: null } : {}),
  });

  return {
    start: () => chunk({ role: "assistant", content: "" }),
    interrupt() {
      const last = chunk({}, "length");
      last.choices[0]!.alambique = { interrupted: "server_shutdown" };
      return last;
    },
    push(part) {
      switch (part.type) {
        case "text-delta":
          return part.delta === "" ? [] : [chunk({ content: part.delta })];
        case "reasoning-delta":
          return part.delta === "" ? [] : [chunk({ reasoning_content: part.delta })];
        case "tool-input-start":
          if (!part.providerExecuted) open.add(part.id);
          return [];
        case "tool-call": {
          if (part.providerExecuted) return [];
          open.delete(part.toolCallId);
          if (!isWholeToolInput(part.input)) {
            cut += 1;
            return [];
          }
          const index = sent++;
          const call = { name: part.toolName, arguments: part.input };
          return [chunk({ tool_calls: [{ index, id: part.toolCallId, type: "function", function: call }] })];
        }
        case "finish": {
          const calls = { whole: sent, cut: cut + open.size };
          const last = chunk({}, mapFinishReason(part.finishReason, calls));
          if (!options.includeUsage) return [last];
          const usage = toOpenAIUsage(part.usage) ?? NO_USAGE;
          return [last, { ...chunk({}), choices: [], usage }];
        }
        default:
          return [];
      }
    },
  };
}
