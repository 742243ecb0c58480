import { describe, expect, it } from "vitest";
import { holdsExactForm, holdsForm, keepStrength, keptStrength } from "./holds-form.js";

describe("holdsForm's kept answers", () => {
  it("answers the same before and after every set's answers are dropped at the global cap", () => {
    const chunk = new Set(["horario", "abrimos", "panaderia"]);
    const variants = ["horarios"];
    expect(holdsForm(chunk, "horario", variants)).toBe(true);
    expect(holdsForm(chunk, "zapato", [])).toBe(false);
    expect(holdsExactForm(chunk, "panaderias", ["panaderia"])).toBe(true);
    keepStrength(chunk, "horario", 1);
    expect(keptStrength(chunk, "horario")).toBe(1);

    // 300,000 answers over 600 other sets pass the 262,144 kept in all: every set's answers are dropped once.
    for (let s = 0; s < 600; s++) {
      const other = new Set([`w${s}`]);
      for (let w = 0; w < 500; w++) holdsExactForm(other, `q${w}`, []);
    }
    expect(keptStrength(chunk, "horario")).toBeUndefined(); // dropped with the rest, worked out again by the caller
    expect(holdsForm(chunk, "horario", variants)).toBe(true);
    expect(holdsForm(chunk, "zapato", [])).toBe(false);
    expect(holdsExactForm(chunk, "panaderias", ["panaderia"])).toBe(true);
    keepStrength(chunk, "horario", 0.9);
    expect(keptStrength(chunk, "horario")).toBe(0.9);
  });

  it("works an answer out again when the variants differ from the kept ones", () => {
    const chunk = new Set(["envio"]);
    expect(holdsExactForm(chunk, "envios", [])).toBe(false);
    expect(holdsExactForm(chunk, "envios", ["envio"])).toBe(true);
  });
});
