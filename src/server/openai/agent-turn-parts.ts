import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { TurnResult } from "../../agents/index.js";
import { agentExtension } from "./alambique-extension.js";
import type { ChatStreamSource } from "./chat-stream.js";
import { specUsage } from "./openai-usage.js";

/**
 * An agent turn as a chat stream's source, so that it streams through the
 * same lifecycle as a model call (`streamChatCompletion`): each piece of the
 * answer (`onDelta`) is a `text-delta` part; the turn's end is a `finish`
 * part (`stop`, the turn's usage), whose chunk carries the turn's
 * `alambique` extension; a turn that throws fails the stream. `run` starts at
 * once; pieces that arrive after the stream was cancelled (the client left)
 * are dropped.
 */
export function agentTurnParts(
  run: (onDelta: (text: string) => void) => Promise<TurnResult>,
  extra: { stateless?: boolean } = {},
): ChatStreamSource {
  let turn: TurnResult | undefined;
  let cancelled = false;
  const parts = new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      const enqueue = (part: LanguageModelV3StreamPart) => {
        if (!cancelled) controller.enqueue(part);
      };
      run((delta) => enqueue({ type: "text-delta", id: "t", delta })).then(
        (result) => {
          turn = result;
          enqueue({
            type: "finish",
            finishReason: { unified: "stop", raw: undefined },
            usage: specUsage(result.usage.inputTokens, result.usage.outputTokens),
          });
          if (!cancelled) controller.close();
        },
        (error: unknown) => {
          if (!cancelled) controller.error(error);
        },
      );
    },
    cancel() {
      cancelled = true;
    },
  });
  return { parts, extension: () => (turn ? agentExtension(turn, extra) : undefined) };
}
