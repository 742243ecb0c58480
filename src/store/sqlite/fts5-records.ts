/**
 * Reads FTS5's own bookkeeping records, so that BM25 can be computed outside
 * FTS5 from exactly the numbers bm25() uses (see bm25-scorer.ts).
 *
 * Both records are runs of SQLite varints (FTS5's `sqlite3Fts5GetVarint`):
 * big-endian groups of 7 bits, the high bit set on every byte but the last,
 * a 9th byte contributing all 8 bits.
 * - `%_data` row 1, the averages record: the table's row count, then each
 *   column's total size in tokens (what `xRowCount` and `xColumnTotalSize` return);
 * - `%_docsize` row `rowid`: that row's size in tokens, one varint per column
 *   (what `xColumnSize` returns; only with `columnsize=1`, FTS5's default).
 */

/** The varints of `record`, in order. Exact up to 2^53 (a row count or token total never comes near it). */
export function readFts5Varints(record: Uint8Array): number[] {
  const values: number[] = [];
  let at = 0;
  while (at < record.length) {
    let value = 0;
    for (let byte = 1; ; byte++) {
      const next = record[at++];
      if (next === undefined) return values; // a truncated record: what was whole
      if (byte === 9) {
        value = value * 256 + next;
        break;
      }
      value = value * 128 + (next & 0x7f);
      if (next < 0x80) break;
    }
    values.push(value);
  }
  return values;
}

/** The sum of the varints of `record`: a row's size in tokens over all its columns (`xColumnSize(-1)`). */
export function sumFts5Varints(record: Uint8Array): number {
  let sum = 0;
  for (const value of readFts5Varints(record)) sum += value;
  return sum;
}
