/**
 * Whether a statement only reads, so that running it again after its
 * connection failed cannot apply anything twice (`poolSql` retries those
 * once). Decided from the text, conservatively: a SELECT or WITH that names
 * no writing keyword, no row lock, no `SELECT … INTO`, and calls no function
 * that may write or lock (`alambique_*`, `pg_*`, `nextval`, `setval`,
 * `set_config`). Anything else is not retried: it fails `unavailable`, whole
 * or not at all, as a statement does.
 */
const READ_START = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(?:select|with)\b/i;
const WRITES =
  /\b(?:insert|update|delete|merge|truncate|lock|into|share|nextval|setval|set_config|notify|listen)\b|\b(?:pg|alambique)_\w*\s*\(/i;
/** Statement texts are the repositories' constants (parameters travel apart), so the answers are few; bounded all the same. */
const MAX_KEPT = 2048;
const kept = new Map<string, boolean>();

export function isIdempotentRead(text: string): boolean {
  let read = kept.get(text);
  if (read === undefined) {
    read = READ_START.test(text) && !WRITES.test(text);
    if (kept.size >= MAX_KEPT) kept.clear();
    kept.set(text, read);
  }
  return read;
}
