import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { createChatChunkMapper } from "./chat-chunk-mapper.js";

const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "m" };
const usage: LanguageModelV3Usage = {
  inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: undefined },
  outputTokens: { total: 3, text: 3, reasoning: undefined },
};

function run(parts: LanguageModelV3StreamPart[], includeUsage = false) {
  const mapper = createChatChunkMapper(meta, { includeUsage });
  return [mapper.start(), ...parts.flatMap((part) => mapper.push(part))];
}

describe("createChatChunkMapper", () => {
  it("announces the role, streams text, and ends with the finish reason", () => {
    const chunks = run([
      { type: "stream-start", warnings: [] },
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "Hola" },
      { type: "text-delta", id: "t", delta: " mundo" },
      { type: "text-end", id: "t" },
      { type: "finish", finishReason: { unified: "length", raw: "length" }, usage },
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hola" },
      { content: " mundo" },
      {},
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, "length"]);
    expect(
      chunks.every((c) => c.id === meta.id && c.object === "chat.completion.chunk" && !("usage" in c)),
    ).toBe(true);
  });

  it("adds a last chunk with no choices and the usage when asked", () => {
    const chunks = run([{ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage }], true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("sends each tool call whole, once, whether its arguments came in pieces or not", () => {
    const chunks = run([
      { type: "tool-input-start", id: "call_a", toolName: "lookup" },
      { type: "tool-input-delta", id: "call_a", delta: '{"id":' },
      { type: "tool-input-delta", id: "call_a", delta: '"7"}' },
      { type: "tool-input-end", id: "call_a" },
      { type: "tool-call", toolCallId: "call_a", toolName: "lookup", input: '{"id":"7"}' },
      { type: "tool-call", toolCallId: "call_b", toolName: "cancel", input: '{"id":"8"}' },
      { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
    ]);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toEqual([
      { index: 0, id: "call_a", type: "function", function: { name: "lookup", arguments: '{"id":"7"}' } },
      { index: 1, id: "call_b", type: "function", function: { name: "cancel", arguments: '{"id":"8"}' } },
    ]);
    // A turn with tool calls finishes as `tool_calls`, whatever the provider said.
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("never sends a call a token limit cut short, and finishes with `length`", () => {
    const cutMidway = run([
      { type: "tool-input-start", id: "c", toolName: "refund" },
      { type: "tool-input-delta", id: "c", delta: '{"amount":10' },
      { type: "finish", finishReason: { unified: "length", raw: "length" }, usage },
    ]);
    // A remote engine may hand on the half call as a whole one, with arguments that do not parse.
    const handedOn = run([
      { type: "tool-call", toolCallId: "c", toolName: "refund", input: '{"amount":10' },
      { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage },
    ]);
    for (const chunks of [cutMidway, handedOn]) {
      expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
    }
  });
});
