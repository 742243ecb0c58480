import type { JSONSchema7, LanguageModelV3CallOptions, LanguageModelV3ToolChoice } from "@ai-sdk/provider";
import type { ChatCompletionRequest } from "./chat-completion-request.js";
import { mapChatPrompt } from "./map-chat-prompt.js";

/**
 * A validated chat completion request → the call options of `doGenerate` /
 * `doStream`. `max_completion_tokens` (OpenAI's current name) wins over
 * `max_tokens` (the older one) when both are sent. `user` and `n` have no
 * counterpart in the provider spec: `n` is validated to be 1, and `user` is
 * only logged by the route.
 */
export function mapCallOptions(
  request: ChatCompletionRequest,
  abortSignal: AbortSignal,
): LanguageModelV3CallOptions {
  const stop = request.stop;
  return {
    prompt: mapChatPrompt(request.messages),
    maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    presencePenalty: request.presence_penalty ?? undefined,
    frequencyPenalty: request.frequency_penalty ?? undefined,
    seed: request.seed ?? undefined,
    stopSequences: stop == null ? undefined : typeof stop === "string" ? [stop] : stop,
    responseFormat: mapResponseFormat(request.response_format),
    tools: request.tools?.map(({ function: fn }) => ({
      type: "function" as const,
      name: fn.name,
      description: fn.description ?? undefined,
      // OpenAI lets a tool omit `parameters`, meaning "no arguments".
      inputSchema: (fn.parameters ?? { type: "object", properties: {} }) as JSONSchema7,
      strict: fn.strict ?? undefined,
    })),
    toolChoice: mapToolChoice(request.tool_choice),
    abortSignal,
  };
}

function mapResponseFormat(
  format: ChatCompletionRequest["response_format"],
): LanguageModelV3CallOptions["responseFormat"] {
  if (format == null || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json" };
  const { name, description, schema } = format.json_schema;
  return {
    type: "json",
    name,
    description: description ?? undefined,
    schema: (schema ?? undefined) as JSONSchema7 | undefined,
  };
}

function mapToolChoice(choice: ChatCompletionRequest["tool_choice"]): LanguageModelV3ToolChoice | undefined {
  if (choice == null) return undefined;
  if (typeof choice === "string") return { type: choice };
  return { type: "tool", toolName: choice.function.name };
}
