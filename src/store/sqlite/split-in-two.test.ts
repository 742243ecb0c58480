import { describe, expect, it } from "vitest";
import { splitInTwo } from "./split-in-two.js";

const v = (...values: number[]): Float32Array => new Float32Array(values);

describe("splitInTwo", () => {
  it("separates two clusters, whatever their norms and order", () => {
    const east = [v(1, 0.1, 0), v(5, 0.2, 0.1), v(0.9, -0.1, 0), v(2, 0, 0.2)];
    const north = [v(0, 1, 0.1), v(0.1, 3, 0), v(-0.1, 0.8, 0)];
    const vectors = [east[0]!, north[0]!, east[1]!, north[1]!, east[2]!, north[2]!, east[3]!];
    const { side, means } = splitInTwo(vectors);
    const sideOf = (vector: Float32Array) => side[vectors.indexOf(vector)];
    expect(new Set(east.map(sideOf)).size).toBe(1);
    expect(new Set(north.map(sideOf)).size).toBe(1);
    expect(sideOf(east[0]!)).not.toBe(sideOf(north[0]!));
    const eastMean = means[sideOf(east[0]!)!]!;
    expect(eastMean[0]).toBeGreaterThan(0.9);
    expect(Math.hypot(...eastMean)).toBeCloseTo(1, 5);
  });

  it("is deterministic", () => {
    const vectors = Array.from({ length: 50 }, (_, i) =>
      v(Math.sin(i), Math.cos(i * 1.3), Math.sin(i * 0.7)),
    );
    expect(splitInTwo(vectors)).toEqual(splitInTwo(vectors));
  });

  it("never leaves a side empty, even for identical vectors", () => {
    const { side } = splitInTwo(Array.from({ length: 5 }, () => v(1, 2, 3)));
    expect([...side].sort()).toEqual([0, 0, 0, 1, 1]);
  });
});
