import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { createCitationNumbering } from "../tools/citation-numbering.js";
import { generateAnswer } from "./generate-answer.js";
import type { ModelCall } from "./prepare-model-call.js";

const lookups: unknown[] = [];
function call(): ModelCall {
  return {
    system: "You are the bakery's assistant.",
    messages: [{ role: "user", content: "¿está listo mi pedido?" }],
    tools: {
      order_status: tool({
        description: "Looks up an order.",
        inputSchema: z.object({ order: z.string() }),
        execute: async (input) => {
          lookups.push(input);
          return { status: "ready" };
        },
      }),
    },
    numbering: createCitationNumbering(),
    confirmedCalls: [],
    confirmedMessages: [],
    summarisedTurns: 0,
  };
}

describe("generateAnswer", () => {
  it("streams what the customer may see, sanitised, and returns exactly what was shown", async () => {
    const shown: string[] = [];
    const generated = await generateAnswer({
      model: scriptedModel([
        { text: 'Listo <script>alert("x")</script>para [recoger](javascript:alert(1)).' },
      ]),
      call: call(),
      maxSteps: 3,
      onDelta: (piece) => shown.push(piece),
    });
    expect(generated.text).toBe(shown.join(""));
    expect(generated.text).not.toMatch(/script|javascript|alert/);
    expect(generated.text).toContain("Listo");
    expect(generated.usage).toEqual({ inputTokens: 1, outputTokens: 1 });
  });

  it("runs the agent's tools within maxSteps and keeps the steps for citing", async () => {
    lookups.length = 0;
    const generated = await generateAnswer({
      model: scriptedModel([
        { toolCalls: [{ toolName: "order_status", input: { order: "A1" } }] },
        { text: "Tu pedido está listo." },
      ]),
      call: call(),
      maxSteps: 3,
    });
    expect(lookups).toEqual([{ order: "A1" }]);
    expect(generated.text).toBe("Tu pedido está listo.");
    expect(generated.steps).toHaveLength(2);
    expect(generated.steps[0]!.toolResults[0]).toMatchObject({
      toolName: "order_status",
      output: { status: "ready" },
    });
    expect(generated.usage).toEqual({ inputTokens: 2, outputTokens: 2 });
  });

  it("stops at maxSteps even when the model keeps calling tools", async () => {
    lookups.length = 0;
    const again = { toolCalls: [{ toolName: "order_status", input: { order: "A1" } }] };
    const generated = await generateAnswer({
      model: scriptedModel([again, again, again, again]),
      call: call(),
      maxSteps: 2,
    });
    expect(lookups).toHaveLength(2);
    expect(generated.text).toBe("");
  });

  it("throws the model's failure (the turn turns it into a polite message)", async () => {
    await expect(generateAnswer({ model: scriptedModel([]), call: call(), maxSteps: 1 })).rejects.toThrow(
      /the script has only 0 steps/,
    );
  });
});
