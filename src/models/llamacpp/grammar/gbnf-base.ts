import type { JsonSchema } from "./json-schema.js";
import { INTEGER_GBNF, NUMBER_GBNF } from "./number-range-gbnf.js";

/**
 * The fixed parts of the JSON grammars: which JSON Schema keywords exist for
 * the compiler, the base rules (JSON values, strings, numbers) every grammar
 * can use, and GBNF literal escaping.
 */

export type Schema = JsonSchema;
export type Path = (string | number)[];

/** Keywords that combine schemas. */
export const COMBINATORS = ["anyOf", "oneOf", "allOf", "$ref"] as const;
/** Keywords that constrain values in ways a grammar cannot follow. */
export const UNSUPPORTED = [
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "contains",
  "minContains",
  "maxContains",
  "$dynamicRef",
  "$recursiveRef",
] as const;
export const OBJECT_KEYWORDS = ["properties", "required", "additionalProperties", "propertyNames"];
export const ARRAY_KEYWORDS = ["items", "prefixItems", "additionalItems", "minItems", "maxItems"];
export const STRING_KEYWORDS = ["minLength", "maxLength", "format", "pattern"];
export const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
/** Keywords that describe but never constrain: skipped. Unknown keywords are annotations too (per the spec). */
export const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "contentEncoding",
  "contentMediaType",
]);

/**
 * Conservative subsets of string formats: every string they allow is valid for
 * the format (days stop at 28, so no month is ever too short; `time` is
 * HH:MM:SS without an offset, as zod's `z.iso.time()` expects).
 */
export const FORMATS: Record<string, string> = {
  date: `[0-9]{4} "-" ("0" [1-9] | "1" [0-2]) "-" ("0" [1-9] | "1" [0-9] | "2" [0-8])`,
  time: `([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9]`,
  "date-time": `date-fmt "T" time-fmt "Z"`,
  uuid: `[0-9a-f]{8} "-" [0-9a-f]{4} "-" [1-5] [0-9a-f]{3} "-" [89ab] [0-9a-f]{3} "-" [0-9a-f]{12}`,
  email: `[a-z0-9]{1,20} "@" [a-z0-9]{1,20} "." [a-z]{2,6}`,
};

/** Rules every grammar may refer to by name; `build` adds only those used. */
export const BASE_RULES: Record<string, string> = {
  char: `[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})`,
  string: `"\\"" char* "\\""`,
  integer: INTEGER_GBNF,
  number: NUMBER_GBNF,
  boolean: `"true" | "false"`,
  null: `"null"`,
  value: `object | array | string | number | boolean | null`,
  object: `"{" (string ":" value ("," string ":" value)*)? "}"`,
  array: `"[" (value ("," value)*)? "]"`,
  "date-fmt": FORMATS.date!,
  "time-fmt": FORMATS.time!,
};

export const BASE_DEPENDENCIES: Record<string, string[]> = {
  string: ["char"],
  value: ["object", "array", "string", "number", "boolean", "null"],
  object: ["string", "value"],
  array: ["value"],
};

/** A GBNF string literal for `text` (UTF-8 passes through; quotes, backslashes and controls are escaped). */
export function gbnfLiteral(text: string): string {
  const escaped = text.replace(/[\\"\n\r\t]/g, (c) =>
    c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\${c}`,
  );
  return `"${escaped}"`;
}

export const jsonLiteral = (value: unknown) => gbnfLiteral(JSON.stringify(value));
export const pointer = (path: Path) => (path.length === 0 ? "(root)" : `/${path.join("/")}`);
