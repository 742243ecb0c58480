/**
 * A string for a JSON value such that two values get the same one exactly
 * when they are equal as JSON (`uniqueItems`, `enum` and `const` compare
 * this way): object keys sorted, strings and keys length-prefixed so that
 * no value can spell another. Recursive: callers bound the value's depth.
 */
export function canonicalKey(value: unknown): string {
  if (value === null || value === undefined) return "z";
  if (Array.isArray(value)) return `a${value.length}:[${value.map(canonicalKey).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    const parts = keys.map((k) => `${k.length}:${k}=${canonicalKey((value as Record<string, unknown>)[k])}`);
    return `o${keys.length}:{${parts.join(",")}}`;
  }
  const text = String(value);
  return `${(typeof value)[0]}${text.length}:${text}`;
}
