/**
 * Conversions between contract values and PostgreSQL columns. `pg` reads
 * `timestamptz` as a `Date` and `json` already parsed; JSON is written as the
 * text `JSON.stringify` makes (`toJsonText`, shared with SQLite), so a value
 * that is not JSON is a ValidationError before any statement runs.
 */

export { assertLimit } from "../sqlite/assert-limit.js";
export { isoAfter, nowIso, toJsonText } from "../sqlite/column-values.js";

/** A `timestamptz` as the contract's ISO-8601 UTC string. */
export function iso(value: Date): string {
  return value.toISOString();
}

export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
