/**
 * One ordinary table of `store copy`: rows read from SQLite in batches and
 * inserted with `json_to_recordset`, which converts each JSON value to its
 * column's type (ISO text to timestamptz, 0/1 to boolean, `\x…` to
 * bytea); and the destination's checksum, read through a cursor inside the
 * copy's transaction.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { type ColumnKind, canonicalValue, TableChecksum } from "../copy-checksum.js";
import type { KnowledgeView } from "./copy-knowledge.js";
import type { CopiedTable } from "./copy-plan.js";

const batchRows = 500;

/** Copies `table` in the caller's transaction; returns the source's checksum. Deferred columns go to `deferred`. */
export async function copyTable(
  source: Database.Database,
  client: pg.ClientBase,
  table: CopiedTable,
  keepHashes: boolean,
  deferred: (() => Promise<void>)[],
): Promise<TableChecksum> {
  const sum = new TableChecksum(table.columns, keepHashes);
  const names = table.columns.map((c) => `"${c.name}"`).join(", ");
  // JSON columns travel as their text (kept byte for byte, a JSON null included), cast on the way in.
  const values = table.columns.map((c) => (c.kind === "json" ? `v."${c.name}"::json` : `v."${c.name}"`));
  const record = `v(${table.columns.map((c) => `"${c.name}" ${c.kind === "json" ? "text" : c.type}`).join(", ")})`;
  const insert = `INSERT INTO "${table.name}" (${names}) SELECT ${values.join(", ")} FROM json_to_recordset($1::json) AS ${record}`;
  let batch: Record<string, unknown>[] = [];
  const later: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length > 0) await client.query(insert, [JSON.stringify(batch)]);
    batch = [];
  };
  for (const row of source.prepare(`SELECT ${names} FROM "${table.name}"`).iterate() as Iterable<
    Record<string, unknown>
  >) {
    sum.add(row);
    const out: Record<string, unknown> = {};
    for (const { name, kind } of table.columns) out[name] = toJsonValue(row[name], kind);
    if (table.deferred.some((name) => out[name] !== null)) later.push({ ...out });
    for (const name of table.deferred) out[name] = null;
    batch.push(out);
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  if (later.length > 0) {
    const set = table.deferred
      .map((name) => `"${name}" = ${values[table.columns.findIndex((c) => c.name === name)]}`)
      .join(", ");
    const key = table.columns.some((c) => c.name === "id") ? "id" : table.columns[0]!.name;
    deferred.push(async () => {
      for (let start = 0; start < later.length; start += batchRows) {
        await client.query(
          `UPDATE "${table.name}" t SET ${set} FROM json_to_recordset($1::json) AS ${record} WHERE t."${key}" = v."${key}"`,
          [JSON.stringify(later.slice(start, start + batchRows))],
        );
      }
    });
  }
  return sum;
}

/** The destination's checksum of `table`'s rows (all of them), read through a cursor. */
export async function destinationSum(
  client: pg.ClientBase,
  table: CopiedTable | KnowledgeView,
  keepHashes: boolean,
): Promise<TableChecksum> {
  const sum = new TableChecksum(table.columns, keepHashes);
  const select =
    "select" in table
      ? table.select
      : `SELECT ${table.columns.map((c) => `"${c.name}"`).join(", ")} FROM "${table.name}"`;
  await client.query(`DECLARE copy_check NO SCROLL CURSOR FOR ${select}`);
  try {
    for (;;) {
      const { rows } = await client.query("FETCH 2000 FROM copy_check");
      for (const row of rows) sum.add(row);
      if (rows.length < 2000) break;
    }
  } finally {
    await client.query("CLOSE copy_check");
  }
  return sum;
}

/** A SQLite value as json_to_recordset reads it for a column of `kind` (JSON stays text). */
function toJsonValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "bytes") return Buffer.isBuffer(value) ? `\\x${value.toString("hex")}` : value;
  if (kind === "boolean") return canonicalValue(value, kind);
  return value;
}
