import type { z } from "zod";

/**
 * `text` parsed as JSON and checked with `schema`, as data: text that is not
 * JSON fails the check like JSON of the wrong shape (the schema sees
 * `undefined`). For what another process wrote (a trainer's progress line, a
 * tool's answer, a job folder's files), where a bad line is skipped or
 * reported, never thrown.
 */
export function parseJsonAs<S extends z.ZodType>(schema: S, text: string): z.ZodSafeParseResult<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  return schema.safeParse(value) as z.ZodSafeParseResult<z.output<S>>;
}
