import { describe, expect, it } from "vitest";
import { SeededNormal } from "./seeded-normal.js";

describe("SeededNormal", () => {
  it("repeats for the same seed and stream, and differs for another seed or stream", () => {
    const draw = (seed: number, stream: string) =>
      new SeededNormal(seed, stream).fill(new Float32Array(64), 1);
    expect(draw(1, "a")).toEqual(draw(1, "a"));
    expect(draw(1, "a")).not.toEqual(draw(2, "a"));
    expect(draw(1, "a")).not.toEqual(draw(1, "b"));
  });

  it("gives the same values whatever the chunking", () => {
    const whole = new SeededNormal(7, "t").fill(new Float32Array(10), 0.02);
    const rng = new SeededNormal(7, "t");
    const parts = [...rng.fill(new Float32Array(3), 0.02), ...rng.fill(new Float32Array(7), 0.02)];
    expect(parts).toEqual(Array.from(whole));
  });

  it("draws from N(0, std²)", () => {
    const values = new SeededNormal(123, "stats").fill(new Float32Array(200_000), 0.02);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.0005);
    expect(std).toBeGreaterThan(0.0198);
    expect(std).toBeLessThan(0.0202);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it("spreads uint32 output over the whole range", () => {
    const rng = new SeededNormal(0, "");
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[rng.nextUint32() >>> 28]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });
});
