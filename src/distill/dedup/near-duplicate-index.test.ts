import { describe, expect, it } from "vitest";
import { createNearDuplicateIndex } from "./near-duplicate-index.js";
import { cleanQuestionPairs, contaminatedQuestionPairs } from "./near-duplicate-questions.fixture.js";
import { distinctRowPairs, duplicateRowPairs, type QaText } from "./near-duplicate-rows.fixture.js";

const text = (qa: QaText) => `${qa.q}\n${qa.a}`;

/** Greedy dedup over every hand-made row at once: which later rows matched which earlier ones. */
function matchesOverPool(seed: number): { truePositives: number; falsePositives: string[] } {
  const items = [
    ...duplicateRowPairs.flatMap(([a, b], i) => [
      { id: `dup${i}a`, text: text(a) },
      { id: `dup${i}b`, text: text(b) },
    ]),
    ...distinctRowPairs.flatMap(([a, b], i) => [
      { id: `distinct${i}a`, text: text(a) },
      { id: `distinct${i}b`, text: text(b) },
    ]),
  ];
  const index = createNearDuplicateIndex({ seed });
  let truePositives = 0;
  const falsePositives: string[] = [];
  for (const item of items) {
    const match = index.addUnlessDuplicate(item.id, item.text);
    if (!match) continue;
    if (item.id.startsWith("dup") && item.id.endsWith("b") && match.id === item.id.replace(/b$/, "a"))
      truePositives++;
    else falsePositives.push(`${item.id} ≈ ${match.id} (${match.similarity})`);
  }
  return { truePositives, falsePositives };
}

describe("near-duplicate index (defaults: 128 permutations, 42 bands × 3, word 3-shingles, threshold 0.4)", () => {
  it("finds the hand-made near-duplicate rows and none of the look-alikes, for every seed tried", () => {
    const report: string[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const { truePositives, falsePositives } = matchesOverPool(seed);
      expect(falsePositives).toEqual([]);
      expect(truePositives).toBe(duplicateRowPairs.length);
      report.push(`${truePositives}/${duplicateRowPairs.length}`);
    }
    // Precision 1.0 and recall 1.0 on 16 duplicate pairs among 64 rows, 10 seeds.
    expect(report).toHaveLength(10);
  });

  it("decontamination settings (char 5-grams, threshold 0.5) tell reworded test questions from same-topic ones", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const index = createNearDuplicateIndex({ seed, shingles: { unit: "char", size: 5 }, threshold: 0.5 });
      for (const question of new Set([...contaminatedQuestionPairs, ...cleanQuestionPairs].map(([t]) => t)))
        index.add(question, question);
      for (const [test, reworded] of contaminatedQuestionPairs) expect(index.query(reworded)?.id).toBe(test);
      for (const [, other] of cleanQuestionPairs) expect(index.query(other)).toBeUndefined();
    }
  });

  it("returns the most similar earlier text, and rejects settings that cannot band", () => {
    const index = createNearDuplicateIndex({ threshold: 0.3 });
    index.add("far", "el pan de centeno cuesta 3,80 euros la pieza de 750 gramos en la tienda");
    index.add("near", "el pan de centeno cuesta 3,80 euros la pieza de 750 gramos");
    expect(index.query("el pan de centeno cuesta 3,80 euros la pieza de 750 gramos")?.id).toBe("near");
    expect(index.query("")).toBeUndefined();
    expect(() => createNearDuplicateIndex({ bands: 50 })).toThrow(RangeError);
    expect(() => createNearDuplicateIndex({ threshold: 0 })).toThrow(RangeError);
  });
});
