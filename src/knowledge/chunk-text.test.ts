import { describe, expect, it } from "vitest";
import { chunkText, isHeadingLike } from "./chunk-text.js";
import { collect, linesOf } from "./knowledge-test.fixture.js";

describe("chunkText", () => {
  it("cuts at blank lines, titles paragraphs with the heading-like line above them, and locates by paragraph", async () => {
    const text = [
      "FORMAS DE PAGO",
      "",
      "Efectivo, tarjeta y Bizum.",
      "",
      "No aceptamos cheques.",
      "",
      "DEVOLUCIONES",
      "",
      "Avísanos en 24 horas.",
    ].join("\n");
    const chunks = await collect(chunkText(linesOf(text)));
    expect(chunks.map((c) => [c.title, c.location, c.text])).toEqual([
      ["FORMAS DE PAGO", "paragraph 1", "Efectivo, tarjeta y Bizum.\n\nNo aceptamos cheques."],
      ["DEVOLUCIONES", "paragraph 4", "Avísanos en 24 horas."],
    ]);
  });

  it("cuts a file without blank lines into bounded chunks, losing nothing", async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `Línea ${i} del inventario del obrador.`);
    const chunks = await collect(chunkText(linesOf(lines.join("\n"))));
    expect(chunks.length).toBeGreaterThan(100);
    expect(chunks.every((c) => c.text.length <= 1200)).toBe(true);
    const all = chunks.map((c) => c.text).join("\n");
    for (const line of [lines[0], lines[1999], lines[3999]]) expect(all).toContain(line);
  });

  it("keeps heading-like lines that head nothing as text", async () => {
    const chunks = await collect(
      chunkText(linesOf("Teléfono 960 123 456\n\nCorreo hola@laespiga.example\n")),
    );
    expect(chunks).toEqual([
      {
        title: null,
        location: "paragraph 1",
        text: "Teléfono 960 123 456\n\nCorreo hola@laespiga.example",
        metadata: {},
      },
    ]);
  });

  it("knows a heading from a sentence or a label", () => {
    expect(isHeadingLike("Delivery zones")).toBe(true);
    expect(isHeadingLike("We deliver by bike.")).toBe(false);
    expect(isHeadingLike("Horario: de 8 a 14")).toBe(false);
    expect(isHeadingLike("2024")).toBe(false);
  });
});
