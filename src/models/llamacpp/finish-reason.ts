import type { LanguageModelV3FinishReason } from "@ai-sdk/provider";

/** node-llama-cpp's stop reason as the AI SDK's finish reason; any tool call makes it `tool-calls`. */
export function finishReason(stopReason: string, calledTools: boolean): LanguageModelV3FinishReason {
  if (calledTools) return { unified: "tool-calls", raw: stopReason };
  switch (stopReason) {
    case "eogToken":
    case "stopGenerationTrigger":
    case "customStopTrigger":
      return { unified: "stop", raw: stopReason };
    case "maxTokens":
      return { unified: "length", raw: stopReason };
    default:
      return { unified: "other", raw: stopReason };
  }
}
