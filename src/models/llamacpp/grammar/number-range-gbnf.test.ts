import { describe, expect, it } from "vitest";
import { type Bound, decimalRange, integerRange, MAX_MAGNITUDE } from "./number-range-gbnf.js";

/**
 * The number grammars use only literals, character ranges, `{n}`/`{m,n}`,
 * `?`, groups and `|`: the same language as a JS regex once literals are
 * escaped and spaces dropped. That lets every integer in a window be checked.
 */
function toRegex(gbnf: string): RegExp {
  const source = gbnf
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_, text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&"))
    .replace(/\s+/g, "");
  return new RegExp(`^(?:${source})$`);
}

describe("integerRange", () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 5],
    [0, 9],
    [7, 123],
    [10, 99],
    [99, 1001],
    [-5, 5],
    [-120, -7],
    [-1000, 0],
    [250, 250],
    [1, 1999],
  ];
  for (const [lo, hi] of cases) {
    it(`accepts exactly the integers in [${lo}, ${hi}]`, () => {
      const re = toRegex(integerRange(lo, hi)!);
      for (let n = Math.min(lo, 0) - 1200; n <= Math.max(hi, 0) + 1200; n++) {
        expect(re.test(String(n)), `${n}`).toBe(n >= lo && n <= hi);
      }
      expect(re.test(`0${Math.max(lo, 1)}`)).toBe(false);
      expect(re.test("-0")).toBe(false);
    });
  }

  it("rounds fractional bounds inwards and reports an empty range", () => {
    const re = toRegex(integerRange(0.5, 3.5)!);
    expect(["0", "1", "3", "4"].map((s) => re.test(s))).toEqual([false, true, true, false]);
    expect(integerRange(1.2, 1.8)).toBeUndefined();
  });

  it("keeps every integer safe even for unbounded ranges", () => {
    const re = toRegex(integerRange(-Infinity, Infinity)!);
    expect(re.test(String(MAX_MAGNITUDE))).toBe(true);
    expect(re.test(String(MAX_MAGNITUDE + 1))).toBe(false);
    expect(Number.isSafeInteger(MAX_MAGNITUDE)).toBe(true);
    const open = toRegex(integerRange(3, Infinity)!);
    expect([open.test("2"), open.test("3"), open.test("123456789012345")]).toEqual([false, true, true]);
  });
});

describe("decimalRange", () => {
  const samples = [
    "0",
    "0.0",
    "0.5",
    "1",
    "1.0",
    "1.25",
    "2",
    "2.000",
    "2.01",
    "-0.5",
    "-1",
    "-1.0",
    "-1.5",
    "-2",
    "10",
    "99.9",
  ];
  const check = (lo: Bound | undefined, hi: Bound | undefined) => {
    const re = toRegex(decimalRange(lo, hi)!);
    for (const sample of samples) {
      const x = Number(sample);
      const inLo = lo === undefined || (lo.inclusive ? x >= lo.value : x > lo.value);
      const inHi = hi === undefined || (hi.inclusive ? x <= hi.value : x < hi.value);
      expect(re.test(sample), `${sample} in ${JSON.stringify([lo, hi])}`).toBe(inLo && inHi);
    }
  };

  it("honours inclusive and exclusive integer bounds on both sides of zero", () => {
    check({ value: 0, inclusive: true }, { value: 1, inclusive: true });
    check({ value: 0, inclusive: false }, undefined);
    check({ value: 1, inclusive: true }, { value: 2, inclusive: false });
    check({ value: -1, inclusive: true }, { value: 1, inclusive: true });
    check({ value: -2, inclusive: false }, { value: -1, inclusive: true });
    check(undefined, { value: 2, inclusive: true });
    check({ value: 0, inclusive: true }, { value: 0, inclusive: true });
  });

  it("reports an empty range", () => {
    expect(decimalRange({ value: 1, inclusive: false }, { value: 1, inclusive: true })).toBeUndefined();
  });
});
