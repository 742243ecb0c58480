import { describe, expect, it } from "vitest";
import { replySubject, toEmailText } from "./email-text.js";

describe("toEmailText", () => {
  it("reads Markdown as plain text: no emphasis marks, links with their address, lists kept", () => {
    const text = toEmailText(
      "# Horario\n**Abrimos** a las 8:00, *de lunes a sábado*.\n- Pan_integral\n* `chapata`\n[Web](https://espiga.example/a_b)",
    );
    expect(text).toBe(
      "Horario\nAbrimos a las 8:00, de lunes a sábado.\n- Pan_integral\n- chapata\nWeb (https://espiga.example/a_b)",
    );
  });

  it("puts the signature under the standard delimiter", () => {
    expect(toEmailText("Hola", "Panadería La Espiga\nTel. 910 000 000")).toBe(
      "Hola\n\n-- \nPanadería La Espiga\nTel. 910 000 000",
    );
    expect(toEmailText("Hola", "  ")).toBe("Hola");
  });
});

describe("replySubject", () => {
  it("prefixes Re: once, and falls back for a thread of its own", () => {
    expect(replySubject("Pedido", "x")).toBe("Re: Pedido");
    expect(replySubject("RE: Pedido", "x")).toBe("RE: Pedido");
    expect(replySubject(undefined, "Tu mensaje")).toBe("Tu mensaje");
  });
});
