import { describe, expect, it } from "vitest";
import type { Split, SynthRow } from "../../spec/distill.js";
import { sampleRow } from "../../store/conformance/synth-rows.conformance.js";
import { assignSplits } from "./stratified-splits.js";

const rows = (intents: Record<string, number>): SynthRow[] =>
  Object.entries(intents).flatMap(([intent, n]) =>
    Array.from({ length: n }, (_, i) => sampleRow(`${intent}-${String(i).padStart(3, "0")}`, { intent })),
  );
const count = (assigned: { split: Split; row: SynthRow }[], split: Split, intent?: string) =>
  assigned.filter((a) => a.split === split && (intent === undefined || a.row.intent === intent)).length;

describe("assignSplits", () => {
  const input = rows({ horarios: 40, pedidos: 25, alergenos: 13, envios: 2, quejas: 1 });
  const shares = { validation: 0.1, test: 0.2, seed: 5 };

  it("gives each intent its share of validation and test rows, within one row", () => {
    const assigned = assignSplits(input, shares);
    expect(assigned.map((a) => a.row)).toEqual(input);
    for (const [intent, n] of Object.entries({ horarios: 40, pedidos: 25, alergenos: 13 })) {
      expect(Math.abs(count(assigned, "test", intent) - n * 0.2)).toBeLessThanOrEqual(1);
      expect(Math.abs(count(assigned, "validation", intent) - n * 0.1)).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(count(assigned, "test") - input.length * 0.2)).toBeLessThanOrEqual(1);
    expect(Math.abs(count(assigned, "validation") - input.length * 0.1)).toBeLessThanOrEqual(1);
  });

  it("is decided by the seed and the keys, not by the order rows come in", () => {
    const a = assignSplits(input, shares);
    const b = assignSplits([...input].reverse(), shares);
    const byKey = (x: typeof a) => Object.fromEntries(x.map((e) => [e.row.key, e.split]));
    expect(byKey(b)).toEqual(byKey(a));
    const other = assignSplits(input, { ...shares, seed: 6 });
    expect(byKey(other)).not.toEqual(byKey(a));
    expect(count(other, "test")).toBe(count(a, "test"));
  });

  it("puts everything in train when no row is held out", () => {
    expect(assignSplits(input, { validation: 0, test: 0, seed: 1 }).every((a) => a.split === "train")).toBe(
      true,
    );
    expect(assignSplits([], shares)).toEqual([]);
  });
});
