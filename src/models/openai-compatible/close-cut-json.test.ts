import type { LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../llamacpp/grammar/json-schema.js";
import { closeGeneratedJson, closeStreamedJson, closingText } from "./close-cut-json.js";

const schema: JsonSchema = {
  type: "object",
  properties: { a: { type: "string" }, tags: { type: "array", items: { type: "string" }, minItems: 1 } },
  required: ["a", "tags"],
};

const usage = {
  inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 16, text: 16, reasoning: undefined },
};

function generated(text: string, unified: "length" | "stop"): LanguageModelV3GenerateResult {
  return { content: [{ type: "text", text }], finishReason: { unified, raw: unified }, usage, warnings: [] };
}

async function streamed(deltas: string[], unified: "length" | "stop"): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t" },
    ...deltas.map((delta) => ({ type: "text-delta" as const, id: "t", delta })),
    { type: "text-end", id: "t" },
    { type: "finish", finishReason: { unified, raw: unified }, usage },
  ];
  const source = new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
  const out: LanguageModelV3StreamPart[] = [];
  for await (const part of source.pipeThrough(closeStreamedJson(schema))) out.push(part);
  return out;
}

const text = (parts: LanguageModelV3StreamPart[]) =>
  parts.map((p) => (p.type === "text-delta" ? p.delta : "")).join("");

describe("closing JSON a remote engine cut at the token limit", () => {
  it("closes a cut answer the shortest valid way, with the required parts it lacked", () => {
    const result = closeGeneratedJson(generated(' {"a":"bana', "length"), schema);
    expect(result.content).toEqual([{ type: "text", text: ' {"a":"bana","tags":[""]}' }]);
    expect(result.finishReason.unified).toBe("length");
    expect(result.providerMetadata).toEqual({ alambique: { completedJson: true } });
  });

  it("drops a trailing comma rather than inventing the next item", () => {
    const result = closeGeneratedJson(generated('{"a":"x","tags":["p",', "length"), schema);
    expect(result.content).toEqual([{ type: "text", text: '{"a":"x","tags":["p"]}' }]);
  });

  it("leaves an answer that stopped on its own, or already matches, untouched", () => {
    const stopped = generated('{"a":"bana', "stop");
    expect(closeGeneratedJson(stopped, schema)).toBe(stopped);
    const whole = generated('{"a":"x","tags":["y"]}', "length");
    expect(closeGeneratedJson(whole, schema)).toBe(whole);
    expect(closingText("Sure! Here is", schema)).toBeUndefined();
  });

  it("closes a cut stream before its end, extending exactly what was streamed", async () => {
    const parts = await streamed(['{"a":"x",', ' "tags":["p",', "  "], "length");
    expect(JSON.parse(text(parts))).toEqual({ a: "x", tags: ["p"] });
    expect(parts.map((p) => p.type)).toEqual([
      "stream-start",
      "text-start",
      "text-delta",
      "text-delta",
      "text-delta",
      "text-end",
      "finish",
    ]);
    expect(parts.at(-1)).toMatchObject({ providerMetadata: { alambique: { completedJson: true } } });
  });

  it("passes a stream that stopped on its own through unchanged, held commas included", async () => {
    const parts = await streamed(['{"a":"x",', '"tags":["p"]}'], "stop");
    expect(text(parts)).toBe('{"a":"x","tags":["p"]}');
    const odd = await streamed(["not json,"], "stop");
    expect(text(odd)).toBe("not json,");
  });
});
