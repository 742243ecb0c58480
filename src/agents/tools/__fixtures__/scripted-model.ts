/**
 * A language model for tool-loop tests that answers from a script: each
 * `doGenerate` call takes the next step (tool calls or text) and records the
 * prompt it was given, so a test can check what the model saw (tool results,
 * error marking). It stands in for a model's choices, not for any part under
 * test: tools, the AI SDK's loop and the store all run for real.
 */
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Content } from "@ai-sdk/provider";

export type ScriptStep = { toolCalls: { toolName: string; input: unknown }[] } | { text: string };

export interface ScriptedModel extends LanguageModelV3 {
  readonly prompts: LanguageModelV3CallOptions["prompt"][];
}

export function scriptedModel(steps: ScriptStep[]): ScriptedModel {
  const prompts: LanguageModelV3CallOptions["prompt"][] = [];
  let next = 0;
  let callIds = 0;
  return {
    specificationVersion: "v3",
    provider: "test",
    modelId: "scripted",
    supportedUrls: {},
    prompts,
    async doGenerate(options) {
      prompts.push(options.prompt);
      const step = steps[next++];
      if (step === undefined) throw new Error(`the script has only ${steps.length} steps`);
      const content: LanguageModelV3Content[] =
        "text" in step
          ? [{ type: "text", text: step.text }]
          : step.toolCalls.map((call) => ({
              type: "tool-call",
              toolCallId: `call-${++callIds}`,
              toolName: call.toolName,
              input: JSON.stringify(call.input),
            }));
      return {
        content,
        finishReason: { unified: "text" in step ? "stop" : "tool-calls", raw: undefined },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
        },
        warnings: [],
      };
    },
    async doStream() {
      throw new Error("the scripted model does not stream");
    },
  };
}
