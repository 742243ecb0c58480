import { describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { decontaminate } from "./decontaminate.js";
import { cleanQuestionPairs, contaminatedQuestionPairs } from "./near-duplicate-questions.fixture.js";
import { qaRow } from "./qa-row.fixture.js";

const heldOut = contaminatedQuestionPairs.map(([question], i) => qaRow(`test-${i}`, question, "respuesta"));

describe("decontaminate", () => {
  it("drops training rows that reword a test question, and keeps same-topic rows", () => {
    const leaked = contaminatedQuestionPairs.map(([, reworded], i) => qaRow(`train-a${i}`, reworded, "x"));
    const clean = cleanQuestionPairs.map(([, other], i) => qaRow(`train-b${i}`, other, "x"));
    const { rows, dropped } = decontaminate([...leaked, ...clean], heldOut);
    expect(dropped).toBe(leaked.length);
    rows.slice(0, leaked.length).forEach((row, i) => {
      expect(row.dropped).toBe("contaminated");
      expect(row.dropDetail).toContain(`held-out row test-${i} `);
      synthRowSchema.parse(row);
    });
    expect(rows.slice(leaked.length).every((row) => row.dropped === null)).toBe(true);
  });

  it("looks at every customer turn of a conversation, skipping short ones", () => {
    const conversation = qaRow("conv", "hola", "¡Hola!", {});
    conversation.messages.push(
      { role: "user", content: "¿A qué hora abren el domingo?" },
      { role: "assistant", content: "A las 8:00." },
    );
    const greeting = qaRow("greet", "hola", "¡Hola! ¿En qué te ayudo?");
    const test = qaRow("test-hola", "hola", "hola");
    const { rows } = decontaminate([conversation, greeting], [...heldOut, test]);
    expect(rows[0]!.dropDetail).toMatch(/^customer turn 2 is a near-duplicate of held-out row test-0 /);
    expect(rows[1]!.dropped).toBeNull();
  });

  it("leaves the test rows themselves and rows already dropped alone", () => {
    const dropped = qaRow("judged", contaminatedQuestionPairs[0]![1], "x", {
      dropped: "policy",
      dropDetail: "rude",
    });
    const { rows, dropped: count } = decontaminate([...heldOut, dropped], heldOut);
    expect(count).toBe(0);
    expect(rows.at(-1)).toBe(dropped);
    expect(rows.slice(0, -1).every((row) => row.dropped === null)).toBe(true);
  });
});
