import { describe, expect, it } from "vitest";
import { smallTalk } from "./small-talk.js";

describe("smallTalk", () => {
  it.each([
    ["¡Hola!", "greeting"],
    ["Buenas tardes", "greeting"],
    ["hola a todos", "greeting"],
    ["¡Hola Lucía!", "greeting"],
    ["hello there", "greeting"],
    ["Muchas gracias por todo", "thanks"],
    ["thanks a lot!", "thanks"],
    ["thank you so much for your help", "thanks"],
    ["Adiós, hasta luego", "goodbye"],
    ["bye", "goodbye"],
  ])("%s → %s", (message, kind) => {
    expect(smallTalk(message)).toBe(kind);
  });

  it.each([
    "hola, ¿abren el domingo?",
    "hola abren el domingo",
    "buenas, tenéis pan sin gluten",
    "thanks but it never arrived",
    "hi, do you deliver?",
    "gracias, ¿y el sábado?",
    "¿Hacéis envíos a Benimaclet?",
  ])("%s → a question, not small talk", (message) => {
    expect(smallTalk(message)).toBeUndefined();
  });
});
