/**
 * What `store copy` reports and decides, whichever way it goes: per table,
 * the source's and the destination's row count and checksum, and whether
 * they agree (an empty destination: the same rows; a forced, occupied one:
 * every source row found and the count grown by exactly the source's).
 */
import { AlambiqueError } from "../../spec/errors.js";
import { missingRows, type TableChecksum, type TableSum } from "../copy-checksum.js";

export interface CopyTableReport {
  table: string;
  source: TableSum;
  destination: TableSum;
  /** Rows the destination table had before the copy (0 unless forced). */
  before: number;
  /** Source rows not found, identical, in the destination. */
  missing: number;
  ok: boolean;
}

export interface CopyReport {
  /** Without password. */
  from: string;
  /** Without password. */
  to: string;
  tables: CopyTableReport[];
  /** True when every table matched and the copy was committed. */
  ok: boolean;
}

export function compareTable(
  table: string,
  source: TableChecksum,
  destination: TableChecksum,
  before: number,
): CopyTableReport {
  const missing = source.hashes ? missingRows(source, destination) : 0;
  const s = source.sum;
  const d = destination.sum;
  const ok =
    before === 0
      ? s.rows === d.rows && s.checksum === d.checksum
      : missing === 0 && d.rows === before + s.rows;
  return { table, source: s, destination: d, before, missing, ok };
}

/** Throws `copy_destination_not_empty` when a table of `to` holds rows and the copy is not forced. */
export function assertDestinationEmpty(to: string, before: Map<string, number>, force: boolean): void {
  const occupied = [...before].filter(([, rows]) => rows > 0);
  if (occupied.length === 0 || force) return;
  throw new AlambiqueError(
    `${to} already holds data (${occupied
      .slice(0, 4)
      .map(([table, rows]) => `${table}: ${rows}`)
      .join(", ")}${occupied.length > 4 ? ", …" : ""})`,
    {
      code: "copy_destination_not_empty",
      hint: to.startsWith("postgres")
        ? "Copy into an empty database (createdb NAME), or pass --force to add the source's rows to it."
        : "Copy into a new file (a path that does not exist yet), or pass --force to add the source's rows to it.",
    },
  );
}
