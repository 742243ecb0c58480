/**
 * JSON with object keys sorted at every level, so that two values that are
 * equal as JSON have the same text (`{a:1,b:2}` and `{b:2,a:1}`). Used to
 * compare a confirmed call's arguments with the pending one's.
 */
import type { JsonValue } from "../../spec/json.js";

export function canonicalJson(value: JsonValue): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key] as JsonValue);
  return sorted;
}
