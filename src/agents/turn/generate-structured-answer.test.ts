import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { createCitationNumbering } from "../tools/citation-numbering.js";
import { generateStructuredAnswer } from "./generate-structured-answer.js";
import type { ModelCall } from "./prepare-model-call.js";

const call: ModelCall = {
  system: "You are the bakery's assistant.",
  messages: [{ role: "user", content: "¿está listo mi pedido A1?" }],
  tools: {
    order_status: tool({
      description: "Looks up an order.",
      inputSchema: z.object({ order: z.string() }),
      execute: async () => ({ status: "ready" }),
    }),
  },
  numbering: createCitationNumbering(),
  confirmedCalls: [],
  confirmedMessages: [],
  summarisedTurns: 0,
};
const options = {
  call,
  maxSteps: 2,
  maxOutputTokens: 200,
  attempts: 2,
  seed: 1,
  temperature: 0.7,
  signal: new AbortController().signal,
};
const answer = (reply: string, cited: string[] = []) => ({ text: JSON.stringify({ reply, cited }) });
const lookup = { toolCalls: [{ toolName: "order_status", input: { order: "A1" } }] };

describe("generateStructuredAnswer", () => {
  it("returns the answer as data, and asks for it in the prompt", async () => {
    const model = scriptedModel([answer("Está listo [S1].", ["S1"])]);
    const result = await generateStructuredAnswer({ ...options, model, useTools: false });
    expect(result).toMatchObject({ ok: true, answer: { reply: "Está listo [S1].", cited: ["S1"] } });
    expect(JSON.stringify(model.prompts[0])).toContain('reply with JSON only: {\\"reply\\"');
  });

  it("tries again with another seed when the output does not match, then reports what was wrong", async () => {
    const retried = await generateStructuredAnswer({
      ...options,
      model: scriptedModel([{ text: "no es JSON" }, answer("Sí.")]),
      useTools: false,
    });
    expect(retried).toMatchObject({ ok: true, answer: { reply: "Sí." } });
    const failed = await generateStructuredAnswer({
      ...options,
      model: scriptedModel([{ text: "no" }, { text: '{"reply": ""}' }]),
      useTools: false,
    });
    expect(failed).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^no valid JSON after 2 attempts: /),
    });
  });

  it("runs tools, and asks once more without tools when the loop ends on a call", async () => {
    const model = scriptedModel([lookup, lookup, answer("Está listo.")]);
    const result = await generateStructuredAnswer({ ...options, model, useTools: true });
    expect(result.ok && result.steps.flatMap((s) => s.toolResults.map((r) => r.output))).toEqual([
      { status: "ready" },
      { status: "ready" },
    ]);
    expect(result).toMatchObject({ ok: true, answer: { reply: "Está listo." } });
    expect(model.prompts).toHaveLength(3);
  });

  it("throws what is not model nonsense (an engine failure), for the caller to retry", async () => {
    await expect(
      generateStructuredAnswer({ ...options, model: scriptedModel([]), useTools: false }),
    ).rejects.toThrow(/the script has only 0 steps/);
  });
});
