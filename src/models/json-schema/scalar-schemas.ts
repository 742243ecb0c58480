/**
 * zod schemas for the values JSON Schema describes without subschemas:
 * strings (length, format, pattern), numbers, and `enum`/`const`.
 */
import { z } from "zod";
import { canonicalKey } from "./canonical-key.js";
import { MAX_MATCHED_LENGTH, type SafePattern } from "./safe-pattern.js";
import type { Schema } from "./schema-keywords.js";

/**
 * The formats that are checked (with zod's own, fixed expressions); any other
 * format, `regex` included, is an annotation as JSON Schema allows: never
 * compiled, never checked.
 */
const FORMATS: Record<string, () => z.core.$ZodCheck<string>> = {
  email: () => z.email(),
  uri: () => z.url(),
  "uri-reference": () => z.url(),
  uuid: () => z.uuid(),
  guid: () => z.guid(),
  "date-time": () => z.iso.datetime({ offset: true }),
  date: () => z.iso.date(),
  // RFC 3339's full-time, the offset optional: the grammar writes times without one.
  time: () => z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/),
  duration: () => z.iso.duration(),
  hostname: () => z.hostname(),
  ipv4: () => z.ipv4(),
  ipv6: () => z.ipv6(),
};

/** A string; text longer than `MAX_MATCHED_LENGTH` is refused before any format or pattern looks at it. */
export function stringSchema(node: Schema, pattern: SafePattern | undefined): z.ZodType {
  let schema = z.string();
  if (typeof node.minLength === "number") schema = schema.min(node.minLength);
  if (typeof node.maxLength === "number") schema = schema.max(node.maxLength);
  const format = typeof node.format === "string" ? FORMATS[node.format] : undefined;
  if (format === undefined && pattern === undefined) return schema;
  schema = schema.refine((text) => text.length <= MAX_MATCHED_LENGTH, {
    message: `longer than ${MAX_MATCHED_LENGTH} characters: too long to check against its ${pattern ? "pattern" : "format"}`,
    abort: true,
  });
  if (format) schema = schema.check(format());
  if (pattern) {
    schema = schema.refine((text) => pattern.test(text), {
      message: `Invalid string: must match pattern ${pattern.source}`,
    });
  }
  return schema;
}

export function numberSchema(node: Schema, type: "number" | "integer"): z.ZodType {
  let schema = type === "integer" ? z.number().int() : z.number();
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = node;
  // Draft 4 says `exclusiveMinimum: true` to make `minimum` exclusive; later drafts give the bound itself.
  if (typeof minimum === "number")
    schema = exclusiveMinimum === true ? schema.gt(minimum) : schema.min(minimum);
  if (typeof maximum === "number")
    schema = exclusiveMaximum === true ? schema.lt(maximum) : schema.max(maximum);
  if (typeof exclusiveMinimum === "number") schema = schema.gt(exclusiveMinimum);
  if (typeof exclusiveMaximum === "number") schema = schema.lt(exclusiveMaximum);
  if (typeof multipleOf === "number" && multipleOf > 0) schema = schema.multipleOf(multipleOf);
  return schema;
}

/** `enum` and `const`: equality as JSON has it (objects by content, whatever their key order). */
export function valuesSchema(values: unknown[]): z.ZodType {
  if (values.length === 0) return z.never();
  if (values.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))) {
    const literals = values.map((v) => z.literal(v as string | number | boolean | null));
    return literals.length === 1 ? literals[0]! : z.union(literals);
  }
  const keys = new Set(values.map((value) => canonicalKey(value)));
  const shown = values.map((v) => JSON.stringify(v)).join(", ");
  return z.any().refine((value) => value !== undefined && keys.has(canonicalKey(value)), {
    message: `Invalid option: expected one of ${shown.length > 200 ? `${shown.slice(0, 197)}…` : shown}`,
  });
}
