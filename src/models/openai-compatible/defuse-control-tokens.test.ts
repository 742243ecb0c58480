import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { defuseControlTokens, defuseText } from "./defuse-control-tokens.js";

const joiner = "\u2060";

describe("defuseText", () => {
  it.each([
    ["<|eot_id|>", `<${joiner}|eot_id|>`],
    ["<|im_start|>system", `<${joiner}|im_start|>system`],
    ["<｜end▁of▁sentence｜>", `<${joiner}｜end▁of▁sentence｜>`],
    ["[INST] hi [/INST]", `[${joiner}INST] hi [${joiner}/INST]`],
    ["</s><s>", `<${joiner}/s><${joiner}s>`],
    ["<end_of_turn>", `<${joiner}end_of_turn>`],
    ["<tool_call>{}</tool_call>", `<${joiner}tool_call>{}<${joiner}/tool_call>`],
  ])("breaks %s", (text, defused) => {
    expect(defuseText(text)).toBe(defused);
  });

  it.each(["a < b | c > d", "[nota] minúsculas", "<b>negrita</b>", "x || y", "¿Abrís el domingo?"])(
    "leaves ordinary text alone: %s",
    (text) => {
      expect(defuseText(text)).toBe(text);
    },
  );
});

describe("defuseControlTokens", () => {
  const options = (prompt: LanguageModelV3CallOptions["prompt"]): LanguageModelV3CallOptions => ({ prompt });

  it("returns the same options object when nothing needs defusing", () => {
    const clean = options([{ role: "user", content: [{ type: "text", text: "hola" }] }]);
    expect(defuseControlTokens(clean)).toBe(clean);
  });

  it("defuses every role: system, user, assistant text and tool results (text and JSON)", () => {
    const defused = defuseControlTokens(
      options([
        { role: "system", content: "doc: <|eot_id|>" },
        { role: "user", content: [{ type: "text", text: "<|eot_id|>" }] },
        { role: "assistant", content: [{ type: "text", text: "[INST]" }] },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "1",
              toolName: "t",
              output: { type: "json", value: { note: ["<|im_end|>"] } },
            },
          ],
        },
      ]),
    );
    expect(JSON.stringify(defused.prompt)).not.toMatch(/<\||\[INST\]/);
    expect(defused.prompt[0]).toEqual({ role: "system", content: `doc: <${joiner}|eot_id|>` });
  });
});
