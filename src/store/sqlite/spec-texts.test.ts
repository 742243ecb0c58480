import { describe, expect, it } from "vitest";
import { SpecTexts } from "./spec-texts.js";

const text = (n: number, pad = 0) => JSON.stringify({ n, pad: "x".repeat(pad) });

describe("SpecTexts", () => {
  it("hands out one frozen spec while the text is the same, and parses a changed one", () => {
    const specs = new SpecTexts();
    const first = specs.parse("a", text(1));
    expect(specs.parse("a", text(1))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const changed = specs.parse("a", text(2));
    expect(changed).not.toBe(first);
    expect(changed.n).toBe(2);
    expect(specs.size.agents).toBe(1);
  });

  it("keeps at most its agents and its text, dropping the least recently read", () => {
    const specs = new SpecTexts(2, 1600);
    const a = specs.parse("a", text(1));
    specs.parse("b", text(2));
    expect(specs.parse("a", text(1))).toBe(a);
    specs.parse("c", text(3));
    expect(specs.size.agents).toBe(2);
    expect(specs.parse("a", text(1))).toBe(a); // "b" went, the least recently read
    // Text: specs of ~90 characters under a 1,600 budget (each under its sixteenth): 17 fit, not 20.
    const big = new SpecTexts(100, 1600);
    for (let i = 0; i < 20; i++) big.parse(`agent-${i}`, text(i, 70));
    expect(big.size.agents).toBeLessThan(20);
    expect(big.size.agents).toBeGreaterThanOrEqual(16);
    expect(big.size.chars).toBeLessThanOrEqual(1600);
  });

  it("never keeps a spec over a sixteenth of its text budget", () => {
    const specs = new SpecTexts(10, 1600);
    const huge = text(1, 200);
    const first = specs.parse("a", huge);
    expect(first.n).toBe(1);
    expect(specs.size).toEqual({ agents: 0, chars: 0 });
    expect(specs.parse("a", huge)).not.toBe(first);
  });
});
