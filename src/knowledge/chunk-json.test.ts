import { describe, expect, it } from "vitest";
import { chunkJson, chunkJsonLines, maxNesting } from "./chunk-json.js";
import { collect, linesOf } from "./knowledge-test.fixture.js";

describe("chunkJson", () => {
  it("makes one chunk per FAQ entry of a top-level array, at faq[i]", () => {
    const chunks = [
      ...chunkJson(
        JSON.stringify([
          { question: "Wifi?", answer: "Yes." },
          { q: "Dogs?", a: "Outside." },
        ]),
      ),
    ];
    expect(chunks.map((c) => [c.location, c.title, c.text, c.metadata.answer])).toEqual([
      ["faq[0]", "Wifi?", "Yes.", "Yes."],
      ["faq[1]", "Dogs?", "Outside.", "Outside."],
    ]);
  });

  it("names locations after the property holding each array; catalog objects become labelled text", () => {
    const doc = {
      shop: "La Espiga",
      products: [
        { nombre: "Croissant", precio: 1.4, alergenos: ["gluten", "leche"], extra: { vegano: false } },
      ],
      faq: [{ pregunta: "¿Bizum?", respuesta: "Sí." }],
    };
    const chunks = [...chunkJson(JSON.stringify(doc))];
    expect(chunks.map((c) => [c.location, c.title, c.text])).toEqual([
      [
        "products[0]",
        "Croissant",
        "nombre: Croissant; precio: 1.4; alergenos: gluten, leche; extra.vegano: false",
      ],
      ["faq[0]", "¿Bizum?", "Sí."],
      ["$", "La Espiga", "shop: La Espiga"],
    ]);
  });

  it("cuts records nested deeper than maxNesting levels, at any depth of input", async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const [chunk] = [...chunkJson(deep)];
    expect(chunk?.text).toBe(`${Array.from({ length: maxNesting }, () => "a").join(".")}: …`);
    const [line] = await collect(chunkJsonLines(linesOf(`{"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`)));
    expect(line?.text).toMatch(/^x(\[0\]){30}: …$/);
  });

  it("throws SyntaxError for invalid JSON", () => {
    expect(() => [...chunkJson('{"faq": [')]).toThrow(SyntaxError);
  });

  it("reads JSON Lines one object per line, naming a bad line", async () => {
    const chunks = await collect(chunkJsonLines(linesOf('{"question":"a?","answer":"b"}\n\n{"name":"x"}')));
    expect(chunks.map((c) => [c.location, c.title])).toEqual([
      ["line 1", "a?"],
      ["line 3", "x"],
    ]);
    await expect(collect(chunkJsonLines(linesOf('{"a":1}\n{oops')))).rejects.toThrow(/line 2 is not JSON/);
  });
});
