import type {
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";

/** What identifies one completion across its chunks: the same in every chunk of a stream. */
export interface CompletionMeta {
  /** `chatcmpl-…` */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name the client asked for. */
  model: string;
}

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: "assistant";
      content: string | null;
      refusal: null;
      tool_calls?: OpenAIToolCall[];
      /** Reasoning text, where the model produces it (vLLM's and DeepSeek's field name). */
      reasoning_content?: string;
    };
    finish_reason: OpenAIFinishReason;
    logprobs: null;
    alambique?: AlambiqueChoiceExtension;
  }[];
  usage?: OpenAIUsage;
}

/**
 * The spec's unified finish reason → OpenAI's. A turn that produced tool calls
 * reports `tool_calls` whatever the provider said, since that is what tells an
 * OpenAI client to run them. `error` and `other` have no OpenAI counterpart and
 * read as `stop`.
 */
export function mapFinishReason(
  reason: LanguageModelV3FinishReason,
  hasToolCalls: boolean,
): OpenAIFinishReason {
  if (hasToolCalls) return "tool_calls";
  switch (reason.unified) {
    case "length":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Undefined when the provider counted nothing; a missing half of the count reads as 0. */
export function mapUsage(usage: LanguageModelV3Usage | undefined): OpenAIUsage | undefined {
  const prompt = usage?.inputTokens.total;
  const completion = usage?.outputTokens.total;
  if (prompt === undefined && completion === undefined) return undefined;
  const p = prompt ?? 0;
  const c = completion ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

/** A `doGenerate` result → a non-streaming chat completion. */
export function toChatCompletion(
  result: LanguageModelV3GenerateResult,
  meta: CompletionMeta,
): ChatCompletion {
  let text = "";
  let reasoning = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else if (part.type === "tool-call" && !part.providerExecuted) {
      toolCalls.push({
        id: part.toolCallId,
        type: "function",
        function: { name: part.toolName, arguments: part.input },
      });
    }
  }
  const usage = mapUsage(result.usage);
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          // OpenAI sends null content beside tool calls when there is no text.
          content: text === "" && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: mapFinishReason(result.finishReason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}
