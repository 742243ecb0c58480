/**
 * The JSON Schema keywords `compileJsonSchema` reads, and what each one's
 * value must be. A schema whose keyword has a value of the wrong shape
 * (`properties: 5`, `minLength: -1`) is not a JSON Schema: it is refused with
 * the keyword's path rather than half-read.
 */
import type { ValidationIssue } from "../../spec/errors.js";

export type Path = ValidationIssue["path"];
export type Schema = Record<string, unknown>;

export const TYPES = ["string", "number", "integer", "boolean", "null", "object", "array"] as const;
export type TypeName = (typeof TYPES)[number];

/** The keywords that describe one kind of value: without `type`, their presence says which kinds. */
export const KEYWORDS_OF = {
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
  ],
  array: [
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
  ],
  string: ["minLength", "maxLength", "pattern", "format"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
} as const;

/** Keywords that constrain values in ways this compiler does not check: refused, never silently ignored. */
const REFUSED = [
  "if",
  "then",
  "else",
  "dependentSchemas",
  "dependentRequired",
  "dependencies",
  "unevaluatedItems",
  "unevaluatedProperties",
  "$dynamicRef",
  "$recursiveRef",
];

const COUNTS = [
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minContains",
  "maxContains",
];

/** Each keyword of `node` whose value has the wrong shape, or that is refused, with its path. */
export function keywordIssues(node: Schema, path: Path): [Path, string][] {
  const issues: [Path, string][] = [];
  const at = (keyword: string, message: string) => issues.push([[...path, keyword], message]);
  for (const keyword of REFUSED) {
    if (keyword in node) at(keyword, `${keyword} is not supported: it would not be checked`);
  }
  if ("not" in node && !(isObject(node.not) && Object.keys(node.not).length === 0)) {
    at("not", `not is not supported (except "not": {}, which allows nothing)`);
  }
  for (const keyword of COUNTS) {
    const value = node[keyword];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      at(keyword, "expected a non-negative integer");
    }
  }
  for (const keyword of ["minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum"]) {
    const value = node[keyword];
    const boolean = typeof value === "boolean" && keyword.startsWith("exclusive"); // draft 4
    if (value !== undefined && !boolean && !(typeof value === "number" && Number.isFinite(value))) {
      at(keyword, "expected a number");
    }
  }
  if (typeof node.multipleOf === "number" && node.multipleOf <= 0)
    at("multipleOf", "expected a number above 0");
  for (const keyword of ["pattern", "format", "$ref"]) {
    if (node[keyword] !== undefined && typeof node[keyword] !== "string") at(keyword, "expected a string");
  }
  for (const keyword of ["uniqueItems", "nullable"]) {
    if (node[keyword] !== undefined && typeof node[keyword] !== "boolean")
      at(keyword, "expected true or false");
  }
  for (const keyword of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
    const value = node[keyword];
    if (value !== undefined && !(Array.isArray(value) && value.length > 0)) {
      at(keyword, "expected a non-empty array of schemas");
    }
  }
  if (node.enum !== undefined && !Array.isArray(node.enum)) at("enum", "expected an array");
  const required = node.required;
  if (required !== undefined && !(Array.isArray(required) && required.every((n) => typeof n === "string"))) {
    at("required", "expected an array of property names");
  }
  for (const keyword of ["properties", "patternProperties", "$defs", "definitions"]) {
    if (node[keyword] !== undefined && !isObject(node[keyword])) {
      at(keyword, "expected an object whose values are schemas");
    }
  }
  if (node.type !== undefined) {
    const list = Array.isArray(node.type) ? node.type : [node.type];
    const unknown = list.find((t) => !TYPES.includes(t as TypeName));
    if (list.length === 0 || unknown !== undefined) {
      const got = unknown === undefined ? "" : `, got ${JSON.stringify(unknown)}`;
      at("type", `expected one of ${TYPES.join(", ")}${got}`);
    }
  }
  return issues;
}

/**
 * The kinds of value `node` describes: its `type`, or else the kinds whose
 * keywords it has (`properties` → object), or every kind (undefined). Assumes
 * `keywordIssues` found nothing wrong with `type`.
 */
export function typesOf(node: Schema): TypeName[] | undefined {
  if (node.type !== undefined) return (Array.isArray(node.type) ? node.type : [node.type]) as TypeName[];
  const kinds = (Object.keys(KEYWORDS_OF) as (keyof typeof KEYWORDS_OF)[]).filter((kind) =>
    KEYWORDS_OF[kind].some((keyword) => keyword in node),
  );
  return kinds.length === 0 ? undefined : kinds;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
