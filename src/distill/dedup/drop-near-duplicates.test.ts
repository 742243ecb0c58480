import { describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { dropNearDuplicates } from "./drop-near-duplicates.js";
import { duplicateRowPairs } from "./near-duplicate-rows.fixture.js";
import { qaRow } from "./qa-row.fixture.js";

describe("dropNearDuplicates", () => {
  it("keeps the first row by key order, whatever the input order, and names it in the drop", () => {
    const [a, b] = duplicateRowPairs[0]!;
    const rows = [qaRow("k-2", b.q, b.a), qaRow("k-1", a.q, a.a), qaRow("k-3", "¿Tenéis wifi?", "Sí [S1].")];
    const { rows: out, dropped } = dropNearDuplicates(rows);
    expect(dropped).toBe(1);
    expect(out.map((r) => r.key)).toEqual(["k-2", "k-1", "k-3"]);
    expect(out[0]!.dropped).toBe("near_duplicate");
    expect(out[0]!.dropDetail).toMatch(/^near-duplicate of k-1 /);
    expect(out[1]!.dropped).toBeNull();
    expect(out[2]!.dropped).toBeNull();
    for (const row of out) synthRowSchema.parse(row);
  });

  it("leaves rows already dropped alone and does not compare with them", () => {
    const [a, b] = duplicateRowPairs[1]!;
    const judged = qaRow("k-1", a.q, a.a, { dropped: "low_helpfulness", dropDetail: "vague" });
    const { rows: out, dropped } = dropNearDuplicates([judged, qaRow("k-2", b.q, b.a)]);
    expect(dropped).toBe(0);
    expect(out[0]).toBe(judged);
    expect(out[1]!.dropped).toBeNull();
  });

  it("compares with kept rows only, so a chain a≈b≈c with a≉c keeps a and c", () => {
    // b changes a's first 6 of 30 words, c changes b's last 6: a–b and b–c share 22 of 34 word
    // 3-shingles (0.65), a–c 16 of 40 (0.40).
    const a = Array.from({ length: 30 }, (_, i) => `w${i}`);
    const b = a.map((w, i) => (i < 6 ? `${w}x` : w));
    const c = b.map((w, i) => (i >= 24 ? `${w}y` : w));
    const { rows } = dropNearDuplicates(
      [qaRow("a", a.join(" "), ""), qaRow("b", b.join(" "), ""), qaRow("c", c.join(" "), "")],
      { threshold: 0.5 },
    );
    expect(rows.map((r) => r.dropped)).toEqual([null, "near_duplicate", null]);
  });

  it("deduplicates 10,000 rows in well under two seconds", () => {
    const rows = syntheticRows(10_000);
    // CPU time, not wall time: the suite runs files in parallel on two cores, and a neighbour's work is not ours.
    const started = process.cpuUsage();
    const { rows: out, dropped } = dropNearDuplicates(rows);
    const { user, system } = process.cpuUsage(started);
    const ms = (user + system) / 1000;
    // Every 10th row is a copy of the one before with one word changed: those, and only those, go.
    expect(dropped).toBe(1000);
    expect(out.filter((r) => r.dropped !== null).every((r) => r.key.endsWith("-copy"))).toBe(true);
    expect(ms).toBeLessThan(2000);
  });
});

/** `count` rows of ~90 words drawn from a 2,000-word vocabulary; every 10th is a one-word edit of the previous. */
function syntheticRows(count: number) {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const vocabulary = Array.from({ length: 2000 }, (_, i) => `palabra${i.toString(36)}`);
  const sentence = (n: number) =>
    Array.from({ length: n }, () => vocabulary[next() % vocabulary.length]).join(" ");
  const rows = [];
  let previous = { q: "", a: "" };
  for (let i = 0; i < count; i++) {
    const key = `row-${String(i).padStart(5, "0")}`;
    if (i % 10 === 9) {
      const words = previous.a.split(" ");
      words[next() % words.length] = "cambiada";
      rows.push(qaRow(`${key}-copy`, previous.q, words.join(" ")));
    } else {
      previous = { q: sentence(15), a: sentence(75) };
      rows.push(qaRow(key, previous.q, previous.a));
    }
  }
  return rows;
}
