import type { LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { toChatCompletion } from "./map-chat-response.js";
import { specUsage } from "./openai-usage.js";

const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "m" };

function result(
  content: LanguageModelV3GenerateResult["content"],
  unified: "stop" | "length" | "tool-calls",
): LanguageModelV3GenerateResult {
  return { content, finishReason: { unified, raw: unified }, usage: specUsage(7, 3), warnings: [] };
}

describe("toChatCompletion", () => {
  it("answers tool calls with null content and finish reason `tool_calls`", () => {
    const completion = toChatCompletion(
      result([{ type: "tool-call", toolCallId: "c", toolName: "refund", input: '{"amount":100}' }], "stop"),
      meta,
    );
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: "c", type: "function", function: { name: "refund", arguments: '{"amount":100}' } },
        ],
      },
      finish_reason: "tool_calls",
    });
    expect(completion.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  });

  it("leaves out a call whose arguments a token limit cut short, and finishes with `length`", () => {
    const completion = toChatCompletion(
      result(
        [{ type: "tool-call", toolCallId: "c", toolName: "refund", input: '{"amount":10' }],
        "tool-calls",
      ),
      meta,
    );
    expect(completion.choices[0]?.message).toEqual({ role: "assistant", content: "", refusal: null });
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });
});
