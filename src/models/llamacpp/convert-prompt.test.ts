import { describe, expect, it } from "vitest";
import { convertPrompt } from "./convert-prompt.js";

describe("convertPrompt", () => {
  it("joins each tool result to its call inside one model response, continued by the next assistant message", () => {
    const { history, warnings } = convertPrompt([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Weather in Oslo and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Two calls." },
          { type: "text", text: "Checking." },
          { type: "tool-call", toolCallId: "a", toolName: "weather", input: { city: "Oslo" } },
          { type: "tool-call", toolCallId: "b", toolName: "weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "b",
            toolName: "weather",
            output: { type: "text", value: "hot" },
          },
          {
            type: "tool-result",
            toolCallId: "a",
            toolName: "weather",
            output: { type: "error-text", value: "timeout" },
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Oslo timed out; Rome is hot." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "Thanks" },
          { type: "text", text: "bye" },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
    expect(history).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Weather in Oslo and Rome?" },
      {
        type: "model",
        response: [
          { type: "segment", segmentType: "thought", text: "Two calls.", ended: true },
          "Checking.",
          { type: "functionCall", name: "weather", params: { city: "Oslo" }, result: { error: "timeout" } },
          { type: "functionCall", name: "weather", params: { city: "Rome" }, result: "hot" },
          "Oslo timed out; Rome is hot.",
        ],
      },
      { type: "user", text: "Thanks\nbye" },
    ]);
  });

  it("keeps a result whose call is not in the prompt, and warns about non-text result parts", () => {
    const { history, warnings } = convertPrompt([
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "x",
            toolName: "lookup",
            output: {
              type: "content",
              value: [
                { type: "text", text: "found" },
                { type: "image-url", url: "https://example.com/a.png" },
              ],
            },
          },
        ],
      },
    ]);
    expect(history[1]).toEqual({
      type: "model",
      response: [{ type: "functionCall", name: "lookup", params: {}, result: "found" }],
    });
    expect(warnings).toEqual([
      expect.objectContaining({ type: "unsupported", feature: 'tool result part "image-url"' }),
    ]);
  });

  it("reads text files inline and refuses other files, saying which part", () => {
    const text = convertPrompt([
      {
        role: "user",
        content: [
          { type: "file", mediaType: "text/markdown", data: new TextEncoder().encode("# Title") },
          { type: "file", mediaType: "application/json", data: Buffer.from('{"a":1}').toString("base64") },
        ],
      },
    ]);
    expect(text.history).toEqual([{ type: "user", text: '# Title\n{"a":1}' }]);
    expect(() =>
      convertPrompt([
        { role: "user", content: [{ type: "file", mediaType: "audio/wav", data: new Uint8Array(4) }] },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_request",
        issues: [expect.objectContaining({ path: ["prompt", 0, "content", 0] })],
      }),
    );
  });
});
