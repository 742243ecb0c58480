import { generateText, jsonSchema, Output } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../../forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../create-llamacpp-provider.js";
import { patternGbnf } from "./pattern-gbnf.js";

const patterns = [
  "^LE-\\d{4}$",
  "^[A-Z]{2}[0-9]{2,3}$",
  "^(es|en|pt)$",
  "^\\d{5}(-\\d{4})?$",
  "^[a-z][a-z0-9_]{2,7}$",
  "^#[0-9a-fA-F]{6}$",
  "^(?:[01]\\d|2[0-3]):[0-5]\\d$",
  "^[^@\\s]{1,12}@[a-z]{2,8}\\.(com|es)$",
  "pan",
];

describe("patternGbnf", () => {
  let llamacpp: LlamaCppProvider;
  let model: string;
  beforeAll(async () => {
    model = await forgedModelPath("tiny", 1);
    llamacpp = createLlamaCpp({ threads: 1, sequences: 1 });
  });
  afterAll(() => llamacpp.dispose());

  it("refuses regex features a grammar cannot express", () => {
    for (const pattern of [
      "^(a)\\1$",
      "^(?=a)b$",
      "\\bword\\b",
      "^\\p{L}+$",
      "^a{2,1}",
      "(a",
      "a".repeat(1001),
    ]) {
      expect(patternGbnf(pattern).ok, pattern).toBe(false);
    }
  });

  it("refuses repetitions that can match one text in more than one way, which stall llama.cpp's sampler", () => {
    const ambiguous = [
      "^(a+)+$",
      "^((a+){10}){10}$",
      "^(a+){100}$",
      "^(a{1,3}){100}$",
      "^(a|aa)*$",
      "^(\\w+\\s?)*$",
      "^(a?){60}a{60}$",
      "^(a*)*b$",
      "^(.*)*x$",
      "^(.*a){20}$",
      "^(a+b?)+$",
    ];
    for (const pattern of ambiguous) {
      const result = patternGbnf(pattern);
      expect(result.ok, pattern).toBe(false);
      expect(result.ok ? "" : result.reason, pattern).toContain("more than one way");
    }
    expect(patternGbnf("^(ab{2}){600}$")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("1000"),
    });
    // Measured: 64 tokens of forty `[a-z]*` in a row took 120 s.
    expect(patternGbnf(`^${"[a-z]*".repeat(40)}$`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("split"),
    });
    expect(patternGbnf(`^${"[a-z]*".repeat(8)}$`).ok).toBe(true);
  });

  it("keeps repetitions whose boundaries are clear", () => {
    const clear = [
      "^[a-z0-9]+(?:-[a-z0-9]+)*$",
      "^([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}$",
      "^(\\d{3}-){2}\\d{4}$",
      "^([a-z]{3}){5}$",
      "^(\\+\\d{1,3} )?\\d{9}$",
      "^[a-z]+(,[a-z]+)*$",
    ];
    for (const pattern of [...patterns, ...clear]) expect(patternGbnf(pattern).ok, pattern).toBe(true);
  });

  it("makes generated strings match the pattern, for every seed", async () => {
    for (const pattern of patterns) {
      const schema = {
        type: "object",
        properties: { code: { type: "string", pattern } },
        required: ["code"],
      };
      for (let seed = 1; seed <= 3; seed++) {
        const { output } = await generateText({
          model: llamacpp(model),
          prompt: "code?",
          temperature: 1,
          seed,
          maxOutputTokens: 64,
          output: Output.object({ schema: jsonSchema<{ code: string }>(schema) }),
        });
        expect(
          new RegExp(pattern).test(output.code),
          `${pattern} (seed ${seed}): ${JSON.stringify(output.code)}`,
        ).toBe(true);
      }
    }
  });
});
