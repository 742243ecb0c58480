/**
 * The check every store makes before it keeps a synthetic-data row: the row
 * must match `synthRowSchema` (src/spec/distill.ts), so that nothing invalid
 * reaches a dataset or an export, whichever worker or import wrote it.
 */
import { type SynthRow, synthRowSchema } from "../spec/distill.js";
import { ValidationError } from "../spec/errors.js";

/** The row as the schema reads it (defaults filled in). Throws `ValidationError` with the zod issues. */
export function parseSynthRow(row: unknown, where: string): SynthRow {
  const parsed = synthRowSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== "symbol"),
    message: issue.message,
  }));
  const first = issues[0];
  const key = typeof (row as { key?: unknown })?.key === "string" ? ` ${(row as { key: string }).key}` : "";
  throw new ValidationError(
    `${where}: row${key} does not match the row schema${first ? ` (${first.path.join(".") || "row"}: ${first.message})` : ""}`,
    issues,
    "Rows must match synthRowSchema in src/spec/distill.ts: a kept row has at least two messages.",
  );
}
