import { describe, expect, it } from "vitest";
import { normalizeForDedup, shingleHashes } from "./shingle-hashes.js";

describe("shingleHashes", () => {
  it("normalises case, accents and punctuation away", () => {
    expect(normalizeForDedup("¿A qué HORA abrís?  ¡Gracias!")).toBe("a que hora abris gracias");
    const word = { unit: "word", size: 3 } as const;
    expect([...shingleHashes("¿A qué hora abrís el domingo?", word)].sort()).toEqual(
      [...shingleHashes("a que hora abris el domingo", word)].sort(),
    );
  });

  it("gives one shingle per window, distinct ones once, and one for text shorter than a shingle", () => {
    const five = { unit: "word", size: 5 } as const;
    expect(shingleHashes("one two three four five six seven", five)).toHaveLength(3);
    expect(shingleHashes("la la la la la la la la", five)).toHaveLength(1);
    expect(shingleHashes("hola", five)).toHaveLength(1);
    expect(shingleHashes("¿?", five)).toHaveLength(0);
    expect(shingleHashes("abcdefg", { unit: "char", size: 5 })).toHaveLength(3);
  });

  it("depends on word order within a shingle", () => {
    const word = { unit: "word", size: 2 } as const;
    expect(shingleHashes("pan de centeno", word)).not.toEqual(shingleHashes("centeno de pan", word));
  });
});
