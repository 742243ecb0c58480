import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

const id = (s: string) => s;

describe("reciprocalRankFusion", () => {
  it("sums 1/(k + rank) over the lists, best first", () => {
    const fused = reciprocalRankFusion(
      [
        ["a", "b", "c"],
        ["c", "a"],
      ],
      id,
    );
    expect(fused.map((f) => f.item)).toEqual(["a", "c", "b"]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62);
    expect(fused[0]?.ranks).toEqual([1, 2]);
    expect(fused[2]?.ranks).toEqual([2, undefined]);
  });

  it("breaks ties by the best single rank, then by list order, and counts duplicates once", () => {
    const fused = reciprocalRankFusion(
      [
        ["x", "y", "y"],
        ["y", "x"],
      ],
      id,
    );
    expect(fused.map((f) => [f.item, f.ranks])).toEqual([
      ["x", [1, 2]],
      ["y", [2, 1]],
    ]);
    expect(reciprocalRankFusion([["p"], ["q"]], id).map((f) => f.item)).toEqual(["p", "q"]);
  });

  it("honours k and weights", () => {
    const fused = reciprocalRankFusion([["a"], ["b"]], id, { k: 0, weights: [1, 3] });
    expect(fused.map((f) => [f.item, f.score])).toEqual([
      ["b", 3],
      ["a", 1],
    ]);
  });
});
