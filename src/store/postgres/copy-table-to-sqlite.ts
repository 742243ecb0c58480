/**
 * One ordinary table of `store copy` from PostgreSQL to SQLite: rows read
 * through a cursor of the source's snapshot transaction and inserted into
 * SQLite in the caller's transaction, each value in the form the SQLite
 * store writes it (ISO-8601 UTC text for times, 0/1 for booleans, JSON as
 * the source's text, bytes as blobs); and a SQLite table's checksum.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { type ColumnKind, TableChecksum } from "../copy-checksum.js";
import type { KnowledgeView } from "./copy-knowledge.js";
import type { CopiedTable } from "./copy-plan.js";

const batchRows = 1000;

/**
 * Copies `table` from `source` (in its open transaction) into `destination`
 * (in its open transaction); returns the source's checksum. Deferred
 * columns are written by the callbacks pushed on `deferred`.
 */
export async function copyTableToSqlite(
  source: pg.ClientBase,
  destination: Database.Database,
  table: CopiedTable,
  keepHashes: boolean,
  deferred: (() => void)[],
): Promise<TableChecksum> {
  const sum = new TableChecksum(table.columns, keepHashes);
  const names = table.columns.map((c) => `"${c.name}"`);
  const insert = destination.prepare(
    `INSERT INTO "${table.name}" (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
  );
  const later: unknown[][] = [];
  await eachRow(source, selectFor(table), (row) => {
    sum.add(row);
    const values = table.columns.map(({ name, kind }) => toSqliteValue(row[name], kind));
    const held = table.columns.flatMap((c, i) => (table.deferred.includes(c.name) ? [i] : []));
    if (held.some((i) => values[i] !== null)) later.push(values.slice());
    for (const i of held) values[i] = null;
    insert.run(values);
  });
  if (later.length > 0) {
    // Its id, else its first column (datasets have an id).
    const keyAt = Math.max(
      table.columns.findIndex((c) => c.name === "id"),
      0,
    );
    const set = destination.prepare(
      `UPDATE "${table.name}" SET ${table.deferred.map((name) => `"${name}" = ?`).join(", ")} WHERE "${table.columns[keyAt]!.name}" = ?`,
    );
    const at = table.deferred.map((name) => table.columns.findIndex((c) => c.name === name));
    deferred.push(() => {
      for (const values of later) set.run([...at.map((i) => values[i]), values[keyAt]]);
    });
  }
  return sum;
}

/** The checksum of every row of `table` (or a knowledge view) in a SQLite store. */
export function sqliteSum(
  db: Database.Database,
  table: CopiedTable | KnowledgeView,
  keepHashes: boolean,
): TableChecksum {
  const sum = new TableChecksum(table.columns, keepHashes);
  const select =
    "select" in table
      ? table.select
      : `SELECT ${table.columns.map((c) => `"${c.name}"`).join(", ")} FROM "${table.name}"`;
  for (const row of db.prepare(select).iterate() as Iterable<Record<string, unknown>>) sum.add(row);
  return sum;
}

/**
 * Runs `each` on every row of `select` through a cursor (the caller's
 * transaction), `batchRows` rows in memory at a time.
 */
export async function eachRow(
  client: pg.ClientBase,
  select: string,
  each: (row: Record<string, unknown>) => void,
): Promise<void> {
  await client.query(`DECLARE copy_rows NO SCROLL CURSOR FOR ${select}`);
  try {
    for (;;) {
      const { rows } = await client.query(`FETCH ${batchRows} FROM copy_rows`);
      for (const row of rows) each(row);
      if (rows.length < batchRows) break;
    }
  } finally {
    await client.query("CLOSE copy_rows");
  }
}

/**
 * JSON and text columns as PostgreSQL's text (pg would parse JSON, and dates
 * into local-time Dates); times, booleans, numbers and bytes as pg reads them.
 */
function selectFor(table: CopiedTable): string {
  const columns = table.columns.map(({ name, kind }) =>
    kind === "json" || kind === "text" ? `"${name}"::text AS "${name}"` : `"${name}"`,
  );
  return `SELECT ${columns.join(", ")} FROM "${table.name}"`;
}

/** A value pg returned, as the SQLite store keeps it. */
export function toSqliteValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "timestamp":
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    case "boolean":
      return value === true || value === "t" ? 1 : 0;
    case "number":
      return typeof value === "string" ? Number(value) : value;
    default:
      return value;
  }
}
