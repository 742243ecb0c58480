import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import {
  type CompletionMeta,
  mapFinishReason,
  mapUsage,
  type OpenAIFinishReason,
  type OpenAIUsage,
} from "./map-chat-response.js";

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
 * Tool calls get an OpenAI `index` in order of appearance. A provider may
 * stream a call's arguments (`tool-input-*`) and then send the whole call, or
 * send only the whole call; either way the client sees the id and name once
 * and the arguments exactly once.
 */
export function createChatChunkMapper(
  meta: CompletionMeta,
  options: { includeUsage: boolean },
): ChatChunkMapper {
  const tools = new Map<string, { index: number; sent: string }>();
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
  const openTool = (id: string, name: string, args: string): ChatCompletionChunk => {
    const index = tools.size;
    tools.set(id, { index, sent: args });
    return chunk({ tool_calls: [{ index, id, type: "function", function: { name, arguments: args } }] });
  };

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
          if (part.providerExecuted) return [];
          return [openTool(part.id, part.toolName, "")];
        case "tool-input-delta": {
          const tool = tools.get(part.id);
          if (tool === undefined || part.delta === "") return [];
          tool.sent += part.delta;
          return [chunk({ tool_calls: [{ index: tool.index, function: { arguments: part.delta } }] })];
        }
        case "tool-call": {
          if (part.providerExecuted) return [];
          const tool = tools.get(part.toolCallId);
          if (tool === undefined) return [openTool(part.toolCallId, part.toolName, part.input)];
          // The streamed arguments are normally the whole input already; send what is missing, if anything.
          if (!part.input.startsWith(tool.sent) || part.input === tool.sent) return [];
          const rest = part.input.slice(tool.sent.length);
          tool.sent = part.input;
          return [chunk({ tool_calls: [{ index: tool.index, function: { arguments: rest } }] })];
        }
        case "finish": {
          const last = chunk({}, mapFinishReason(part.finishReason, tools.size > 0));
          if (!options.includeUsage) return [last];
          const usage: OpenAIUsage = mapUsage(part.usage) ?? {
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
          };
          return [last, { ...chunk({}), choices: [], usage }];
        }
        default:
          return [];
      }
    },
  };
}
