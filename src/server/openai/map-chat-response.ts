import type { LanguageModelV3FinishReason, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import { type OpenAIUsage, toOpenAIUsage } from "./openai-usage.js";

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
 * OpenAI client to run them — unless a call was cut short (see
 * `isWholeToolInput`): then `length`, and the half call is not sent at all.
 * `error` and `other` have no OpenAI counterpart and read as `stop`.
 */
export function mapFinishReason(
  reason: LanguageModelV3FinishReason,
  calls: { whole: number; cut: number },
): OpenAIFinishReason {
  if (calls.cut > 0) return "length";
  if (calls.whole > 0) return "tool_calls";
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

/**
 * Whether a tool call's arguments are whole: a JSON object. A token limit (or
 * the end of the context) can stop a model half-way through them; such a call
 * is reported as cut, never passed on, so that no client runs a tool on
 * arguments the model did not finish (closing the JSON would invent them: a
 * `100` cut to `10` still parses). The embedded provider drops those calls
 * itself; a remote engine may hand them on.
 */
export function isWholeToolInput(input: string): boolean {
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A `doGenerate` result → a non-streaming chat completion. */
export function toChatCompletion(
  result: LanguageModelV3GenerateResult,
  meta: CompletionMeta,
): ChatCompletion {
  let text = "";
  let reasoning = "";
  const toolCalls: OpenAIToolCall[] = [];
  let cut = 0;
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else if (part.type === "tool-call" && !part.providerExecuted) {
      if (!isWholeToolInput(part.input)) {
        cut += 1;
        continue;
      }
      toolCalls.push({
        id: part.toolCallId,
        type: "function",
        function: { name: part.toolName, arguments: part.input },
      });
    }
  }
  const usage = toOpenAIUsage(result.usage);
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
        finish_reason: mapFinishReason(result.finishReason, { whole: toolCalls.length, cut }),
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}
