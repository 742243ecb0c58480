import { describe, expect, it } from "vitest";
import { RequestError } from "../request-error.js";
import { chatMessageSchema } from "./chat-completion-request.js";
import { mapChatPrompt } from "./map-chat-prompt.js";

const messages = (list: unknown[]) => list.map((m) => chatMessageSchema.parse(m));

describe("mapChatPrompt", () => {
  it("maps every role, joins text parts and groups consecutive tool results", () => {
    const prompt = mapChatPrompt(
      messages([
        { role: "system", content: "Be brief." },
        {
          role: "developer",
          content: [
            { type: "text", text: "Use " },
            { type: "text", text: "tools." },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "a", arguments: '{"x":1}' } },
            { id: "c2", type: "function", function: { name: "b", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "one" },
        { role: "tool", tool_call_id: "c2", content: [{ type: "text", text: "two" }] },
        { role: "assistant", content: "Done." },
      ]),
    );
    expect(prompt).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: "Use tools." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "file", mediaType: "image/png", data: "AAAA" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "a", input: { x: 1 } },
          { type: "tool-call", toolCallId: "c2", toolName: "b", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "a", output: { type: "text", value: "one" } },
          { type: "tool-result", toolCallId: "c2", toolName: "b", output: { type: "text", value: "two" } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Done." }] },
    ]);
  });

  it("refuses a tool result that answers no call, naming the field", () => {
    const call = () => mapChatPrompt(messages([{ role: "tool", tool_call_id: "nope", content: "x" }]));
    expect(call).toThrow(RequestError);
    expect(call).toThrow(expect.objectContaining({ param: "messages[0].tool_call_id", status: 400 }));
  });

  it("refuses tool-call arguments that are not JSON, naming the field", () => {
    const call = () =>
      mapChatPrompt(
        messages([
          { role: "user", content: "hi" },
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "a", arguments: "{x" } }],
          },
        ]),
      );
    expect(call).toThrow(expect.objectContaining({ param: "messages[1].tool_calls[0].function.arguments" }));
  });
});
