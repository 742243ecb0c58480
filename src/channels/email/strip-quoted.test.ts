import { describe, expect, it } from "vitest";
import { stripQuoted } from "./strip-quoted.js";

describe("stripQuoted", () => {
  it("drops Gmail's English and Spanish history, even when its opener wraps", () => {
    expect(
      stripQuoted(
        "¿Y el domingo?\n\nOn Mon, 1 Dec 2026 at 10:00, Espiga <desk@espiga.test> wrote:\n> Abrimos a las 8.",
      ),
    ).toBe("¿Y el domingo?");
    expect(
      stripQuoted(
        "Gracias.\n\nEl lun, 1 dic 2026 a las 10:00, La Espiga (<desk@espiga.test>) escribió:\n> Hola",
      ),
    ).toBe("Gracias.");
    expect(
      stripQuoted(
        "Vale\n\nOn Mon, 1 Dec 2026 at 10:00, La Espiga Panadería <desk@espiga.test>\nwrote:\n\n> x",
      ),
    ).toBe("Vale");
  });

  it("drops Outlook's separators and header blocks, in English and Spanish", () => {
    expect(stripQuoted("Perfecto\n\n-----Mensaje original-----\nDe: Espiga\nEnviado: lunes\n\nHola")).toBe(
      "Perfecto",
    );
    expect(stripQuoted("Fine\n\n-----Original Message-----\nFrom: Espiga")).toBe("Fine");
    expect(
      stripQuoted(
        "Sí, dos barras.\n\n________________________________\nDe: Espiga <desk@espiga.test>\nEnviado: lunes",
      ),
    ).toBe("Sí, dos barras.");
    expect(
      stripQuoted("Ok\n\nFrom: Espiga <desk@espiga.test>\nSent: Monday\nTo: ana@cliente.test\n\nHola"),
    ).toBe("Ok");
  });

  it("drops > lines between the customer's own, and keeps the text when all of it was quoted", () => {
    expect(stripQuoted("> ¿Cuántas?\nDos.\n> ¿Cuándo?\nMañana.")).toBe("Dos.\nMañana.");
    expect(stripQuoted("> solo una cita")).toBe("> solo una cita");
  });

  it("keeps a person's words that merely mention a sender", () => {
    expect(stripQuoted("From: here I want to order bread.\nThanks")).toBe(
      "From: here I want to order bread.\nThanks",
    );
  });
});
