/**
 * Conversions between contract values and SQLite columns: ISO time text, JSON
 * text, 0/1 booleans. Kept in one place so every repository stores them alike.
 */

import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";

/** The current time as ISO-8601 UTC with milliseconds; such strings sort as times. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** `ms` milliseconds from now, as ISO-8601 UTC. */
export function isoAfter(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** JSON text for a column; throws `ValidationError` naming `field` when `value` is not JSON. */
export function toJsonText(value: JsonValue, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw notJson(field, error instanceof Error ? error.message : String(error));
  }
  if (text === undefined) throw notJson(field, `got ${typeof value}`);
  return text;
}

export function fromJsonText<T extends JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

export function toSqliteBoolean(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

export function fromSqliteBoolean(value: number | null): boolean | null {
  return value === null ? null : value === 1;
}

function notJson(field: string, reason: string): ValidationError {
  return new ValidationError(
    `${field} is not a JSON value (${reason})`,
    [{ path: [field], message: "expected a JSON value" }],
    "Pass only strings, finite numbers, booleans, null, arrays and plain objects.",
  );
}
