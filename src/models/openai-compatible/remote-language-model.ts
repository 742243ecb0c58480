import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { closeGeneratedJson, closeStreamedJson, jsonAnswerSchema } from "./close-cut-json.js";
import { defuseControlTokens } from "./defuse-control-tokens.js";
import type { EngineInfo } from "./engine-info.js";
import { normalizeEngineError } from "./normalize-engine-error.js";
import {
  callFromConstrainedAnswer,
  constrainedCallRequest,
  hasValidCall,
  requiredTools,
  toolCallMissing,
} from "./required-tool-call.js";

export interface RemoteModelConfig {
  baseURL: string;
  /** What the engine says about itself (probed once, cached by the provider). */
  engineInfo(): Promise<EngineInfo>;
}

/**
 * The AI SDK's OpenAI-compatible chat model with the guarantees the embedded
 * provider keeps, on any engine:
 * - every error is an `AlambiqueError` (`normalizeEngineError`), a prompt
 *   longer than the engine's context included (`context_length_exceeded`);
 * - a JSON answer (the schema goes out as `response_format` json_schema, which
 *   llama-server, vLLM and Ollama ≥ 0.5 turn into constrained decoding) cut by
 *   `maxOutputTokens` is closed the shortest valid way (`close-cut-json.ts`);
 * - a required or named tool call is checked, retried once as constrained
 *   JSON, or refused with `tool_call_missing` (`required-tool-call.ts`). A
 *   stream that requires a call is generated whole, then sent as parts: its
 *   call goes out once it is known to be valid, never half-checked;
 * - text that spells a control token (`<|eot_id|>`…) reaches the engine
 *   defused (`defuse-control-tokens.ts`), so a customer cannot end the turn
 *   or write a system message through the engine's template.
 */
export function remoteLanguageModel(model: LanguageModelV3, config: RemoteModelConfig): LanguageModelV3 {
  const { baseURL } = config;
  const raw = async (options: LanguageModelV3CallOptions) => {
    try {
      return await model.doGenerate(defuseControlTokens(options));
    } catch (error) {
      throw normalizeEngineError(error, baseURL);
    }
  };
  const generate = async (options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
    const tools = requiredTools(options);
    if (tools !== undefined) return generateRequiredCall(options, tools);
    const schema = jsonAnswerSchema(options);
    const result = await raw(options);
    return schema === undefined ? result : closeGeneratedJson(result, schema);
  };
  const generateRequiredCall = async (
    options: LanguageModelV3CallOptions,
    tools: NonNullable<ReturnType<typeof requiredTools>>,
  ): Promise<LanguageModelV3GenerateResult> => {
    if (tools.length === 0) throw toolCallMissing(tools, baseURL);
    const first = await raw(options);
    if (hasValidCall(first, tools)) return first;
    if ((await config.engineInfo()).constrainsJson === false) throw toolCallMissing(tools, baseURL);
    // The retry is not closed when cut: a cut call is dropped, never completed with invented arguments.
    const retry = await raw(constrainedCallRequest(options, tools));
    return callFromConstrainedAnswer(retry, first, tools, baseURL);
  };
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    doGenerate: generate,
    doStream: async (options) => {
      if (requiredTools(options) !== undefined) return streamOf(await generate(options));
      const schema = jsonAnswerSchema(options);
      let result: LanguageModelV3StreamResult;
      try {
        result = await model.doStream(defuseControlTokens(options));
      } catch (error) {
        throw normalizeEngineError(error, baseURL);
      }
      // Failures after the stream has begun arrive as `error` parts.
      let stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            controller.enqueue(
              part.type === "error"
                ? { type: "error", error: normalizeEngineError(part.error, baseURL) }
                : part,
            );
          },
        }),
      );
      if (schema !== undefined) stream = stream.pipeThrough(closeStreamedJson(schema));
      return { ...result, stream };
    },
  };
}

/** A finished generation as the parts a stream of it would have sent. */
function streamOf(result: LanguageModelV3GenerateResult): LanguageModelV3StreamResult {
  const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: result.warnings }];
  const { id, timestamp, modelId } = result.response ?? {};
  if (result.response) parts.push({ type: "response-metadata", id, timestamp, modelId });
  result.content.forEach((part, index) => {
    const id = String(index);
    if (part.type === "text") {
      parts.push(
        { type: "text-start", id },
        { type: "text-delta", id, delta: part.text },
        { type: "text-end", id },
      );
    } else if (part.type === "tool-call") {
      parts.push(
        { type: "tool-input-start", id: part.toolCallId, toolName: part.toolName },
        { type: "tool-input-delta", id: part.toolCallId, delta: part.input },
        { type: "tool-input-end", id: part.toolCallId },
        part,
      );
    } else if (part.type === "reasoning") {
      parts.push(
        { type: "reasoning-start", id },
        { type: "reasoning-delta", id, delta: part.text },
        { type: "reasoning-end", id },
      );
    }
  });
  parts.push({
    type: "finish",
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
  });
  return {
    stream: new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
    ...(result.request ? { request: result.request } : {}),
  };
}
