/** The trade-off tables of bench/retrieval.ts --sweep: text budgets and vector cell settings against exact search. */
import { meanOverlap, ms, table, timeEach, timing } from "./retrieval-measure.js";
import type { References } from "./retrieval-references.js";

export async function sweepTradeoffs(
  size: number,
  references: References,
  queries: readonly { text: string; vector: Float32Array; from: number }[],
  exactText: number[][],
  exactVector: number[][],
): Promise<string> {
  const rows = [["chunks", "setting", "p50 ms", "p95 ms", "top10 overlap with exact"]];
  for (const budget of [4_000, 8_000, 16_000]) {
    for (const conjunctive of [0, 30_000, 60_000, 120_000]) {
      const search = references.textSearch({ budget, conjunctive });
      const run = await timeEach(queries, (q) => search(q.text, 10));
      const { p50, p95 } = timing(run.ms);
      const found = run.results.filter((list, q) => list.includes(queries[q]!.from)).length / queries.length;
      rows.push([
        String(size),
        `bm25 budget ${budget}, all-words tier ${conjunctive}`,
        ms(p50),
        ms(p95),
        `${meanOverlap(run.results, exactText).toFixed(3)} (source chunk ${found.toFixed(2)})`,
      ]);
    }
  }
  for (const [cells, perCell] of [
    [6, 192],
    [8, 128],
    [8, 192],
    [8, 256],
    [16, 256],
  ] as const) {
    const search = references.cellSearch(cells, perCell);
    const run = await timeEach(queries, (q) => search(q.vector, 10));
    const { p50, p95 } = timing(run.ms);
    rows.push([
      String(size),
      `vector ${cells} cells, ${perCell}/rank, best ${perCell} re-ranked`,
      ms(p50),
      ms(p95),
      meanOverlap(run.results, exactVector).toFixed(3),
    ]);
  }
  return table(rows);
}
