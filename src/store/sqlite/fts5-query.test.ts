import { describe, expect, it } from "vitest";
import { fts5String, maxSearchTerms, searchTerms } from "./fts5-query.js";

describe("searchTerms", () => {
  it("folds case and diacritics and keeps each word once, in order", () => {
    expect(searchTerms("¿Panadería abierta? PANADERIA, café y CAFE… Ñandú 2024")).toEqual([
      "panaderia",
      "abierta",
      "cafe",
      "y",
      "nandu",
      "2024",
    ]);
  });

  it("drops operators' punctuation, emoji and noise, keeping operator words as words", () => {
    expect(searchTerms('title:pan* AND -"horno" NEAR(x) ^y 🍞 {a}')).toEqual([
      "title",
      "pan",
      "and",
      "horno",
      "near",
      "x",
      "y",
      "a",
    ]);
    expect(searchTerms("🍞 ☕ !!! \u0000 \ud800")).toEqual([]);
  });

  it("bounds the work for long text", () => {
    const many = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" ");
    expect(searchTerms(many)).toHaveLength(maxSearchTerms);
    expect(searchTerms(`${"a".repeat(65)} corto`)).toEqual(["corto"]);
    const started = performance.now();
    expect(searchTerms("x".repeat(1_000_000))).toEqual([]);
    expect(searchTerms("pan ".repeat(250_000))).toEqual(["pan"]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("fts5String", () => {
  it("quotes, doubling inner quotes", () => {
    expect(fts5String("pan")).toBe('"pan"');
    expect(fts5String('say "hi"')).toBe('"say ""hi"""');
  });
});
