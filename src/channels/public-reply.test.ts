import { describe, expect, it } from "vitest";
import { answerPrivately, sentPrivatelyNotice } from "./comment-answer.js";
import {
  asksSomethingPrivate,
  holdsPersonalData,
  PUBLIC_REPLY_MAX_CHARS,
  publicReplyText,
} from "./public-reply.js";

describe("public replies to comments", () => {
  it("mask personal data and keep to a short line, cut after a sentence", () => {
    expect(publicReplyText("Llámanos al 612 345 678 o escribe a pan@espiga.example.")).toBe(
      "Llámanos al [phone] o escribe a [email].",
    );
    const long = `Abrimos de 8:00 a 14:00. ${"Tenemos pan de centeno, de espelta y de trigo. ".repeat(12)}`;
    const cut = publicReplyText(long);
    expect(cut.length).toBeLessThanOrEqual(PUBLIC_REPLY_MAX_CHARS);
    expect(cut).toMatch(/\.$/);
    expect(publicReplyText("una\n\nlínea")).toBe("una línea");
  });

  it("go privately for private topics, personal data, tools or a handoff", () => {
    const plain = { mode: "retrieval" as const, toolCalls: [] };
    expect(answerPrivately("¿Abrís el domingo?", "Sí, de 9 a 13.", plain)).toBe(false);
    expect(answerPrivately("¿Dónde está mi pedido?", "Sale hoy.", plain)).toBe(true);
    expect(answerPrivately("Where is my order #881?", "It ships today.", plain)).toBe(true);
    expect(answerPrivately("Mi número es [phone]", "Gracias", plain)).toBe(true);
    expect(answerPrivately("¿Horario?", "Escribe a ana@espiga.example", plain)).toBe(true);
    expect(
      answerPrivately("¿Tenéis pan?", "Sí", {
        mode: "model",
        toolCalls: [{ name: "x", input: {}, output: {} }],
      }),
    ).toBe(true);
    expect(
      answerPrivately("Quiero hablar con alguien", "Te paso con una persona", {
        mode: "handoff",
        toolCalls: [],
      }),
    ).toBe(true);
    expect(asksSomethingPrivate("me encanta el pan")).toBe(false);
    expect(holdsPersonalData("pedido 1234 del 3 de mayo")).toBe(false);
    expect(sentPrivatelyNotice("en")).toMatch(/private message/);
    expect(sentPrivatelyNotice("es")).toMatch(/mensaje privado/);
  });
});
