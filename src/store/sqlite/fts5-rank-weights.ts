import type { Database } from "better-sqlite3";

/**
 * Each column's weight in the table's `rank` setting (`bm25(2.0, 1.0)`: a
 * column past the list weighs 1.0), keyed by column name as fts5vocab names
 * it; undefined when the table is not one this scorer reproduces.
 */
export function bm25ColumnWeights(db: Database): Map<string, number> | undefined {
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'").pluck().get();
  if (sql === undefined || /\b(detail|columnsize|contentless_delete)\b/i.test(sql)) return undefined;
  const setting =
    db.prepare<[], string>("SELECT v FROM chunks_fts_config WHERE k = 'rank'").pluck().get() ?? "bm25()";
  const call = /^\s*bm25\s*\(([^)]*)\)\s*$/i.exec(setting);
  if (!call) return undefined;
  const args = call[1]!.trim() === "" ? [] : call[1]!.split(",").map((arg) => arg.trim());
  if (!args.every((arg) => /^\d+(\.\d+)?$/.test(arg))) return undefined;
  const columns = db.prepare<[], string>("SELECT name FROM pragma_table_info('chunks_fts')").pluck().all();
  return new Map(columns.map((name, i) => [name, args[i] === undefined ? 1.0 : Number(args[i])]));
}
