import { describe, expect, it } from "vitest";
import { wordF1 } from "./shadow-agreement.js";

describe("wordF1", () => {
  it("measures shared words, ignoring case, accents and punctuation, counting repeats", () => {
    expect(wordF1("La tarta cuesta 18 euros.", "la TARTA cuesta 18 €uros")).toBeCloseTo(0.8);
    expect(wordF1("Sí, abrimos el domingo.", "si abrimos el domingo")).toBe(1);
    expect(wordF1("no no no", "no")).toBeCloseTo(0.5);
    expect(wordF1("Cuesta 18 euros.", "Cerramos los lunes.")).toBe(0);
    expect(wordF1("", "")).toBe(1);
    expect(wordF1("", "algo")).toBe(0);
  });
});
