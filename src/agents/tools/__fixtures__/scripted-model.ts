/**
 * A language model for tool-loop tests that answers from a script: each
 * `doGenerate` call takes the next step (tool calls or text) and records the
 * prompt it was given, so a test can check what the model saw (tool results,
 * error marking). It stands in for a model's choices, not for any part under
 * test: tools, the AI SDK's loop and the store all run for real.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";

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
    // The same step as parts: what the agent runtime (which streams) reads.
    async doStream(options) {
      const result = await this.doGenerate(options);
      const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: [] }];
      for (const [i, part] of result.content.entries()) {
        if (part.type === "text") {
          parts.push({ type: "text-start", id: `t${i}` });
          parts.push({ type: "text-delta", id: `t${i}`, delta: part.text });
          parts.push({ type: "text-end", id: `t${i}` });
        } else if (part.type === "tool-call") parts.push(part);
      }
      parts.push({ type: "finish", finishReason: result.finishReason, usage: result.usage });
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}
