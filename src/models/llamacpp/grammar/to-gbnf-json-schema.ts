import type { GbnfJsonSchema } from "node-llama-cpp";
import type { JsonSchema, JsonSchemaDefinition } from "./json-schema.js";

/**
 * Converts a JSON Schema into node-llama-cpp's own schema dialect, for two
 * uses that tolerate loss: the tool documentation a chat wrapper writes into
 * the system prompt, and node-llama-cpp's native function calling (whose
 * arguments we validate afterwards against the real schema, falling back to
 * our own grammar when they do not match).
 *
 * Lossy by design: bounds, patterns and unknown formats are dropped; `anyOf`
 * becomes `oneOf`; references are inlined (recursion is cut at `MAX_DEPTH`).
 */

const MAX_DEPTH = 8;
const ANY: GbnfJsonSchema = { type: ["string", "number", "boolean", "null"] };
const PRIMITIVES = new Set(["string", "number", "integer", "boolean", "null"]);
const KEPT_FORMATS = new Set(["date", "time", "date-time"]);

type Primitive = "string" | "number" | "integer" | "boolean" | "null";

export function toGbnfJsonSchema(schema: JsonSchemaDefinition): GbnfJsonSchema {
  const root = typeof schema === "object" ? schema : {};
  const defs = { ...(root.definitions ?? {}), ...(root.$defs ?? {}) };
  const resolve = (ref: string): JsonSchemaDefinition | undefined => {
    if (ref === "#") return root;
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    return match ? defs[decodeURIComponent(match[1]!).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  };
  return convert(schema, resolve, 0);
}

function withDescription<T extends GbnfJsonSchema>(converted: T, schema: JsonSchema): GbnfJsonSchema {
  return schema.description === undefined
    ? converted
    : ({ ...converted, description: schema.description } as T);
}

function convert(
  schema: JsonSchemaDefinition,
  resolve: (ref: string) => JsonSchemaDefinition | undefined,
  depth: number,
): GbnfJsonSchema {
  if (typeof schema === "boolean" || depth > MAX_DEPTH) return ANY;
  const next = (sub: JsonSchemaDefinition) => convert(sub, resolve, depth + 1);
  if (schema.$ref !== undefined) {
    const target = resolve(schema.$ref);
    return target === undefined ? ANY : withDescription(next(target) as GbnfJsonSchema, schema);
  }
  const branches = schema.anyOf ?? schema.oneOf ?? (schema.allOf?.length === 1 ? schema.allOf : undefined);
  if (branches !== undefined) return withDescription({ oneOf: branches.map(next) }, schema);
  if (schema.const !== undefined) {
    return isPrimitive(schema.const) ? withDescription({ const: schema.const }, schema) : ANY;
  }
  if (schema.enum !== undefined) {
    const values = schema.enum.filter(isPrimitive);
    return values.length > 0 ? withDescription({ enum: values }, schema) : ANY;
  }
  const types =
    schema.type === undefined ? inferTypes(schema) : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.nullable === true && !types.includes("null")) types.push("null");
  const converted = types.map((type) => convertTyped(schema, type, next));
  if (converted.length === 0) return ANY;
  return converted.length === 1
    ? withDescription(converted[0]!, schema)
    : withDescription({ oneOf: converted }, schema);
}

function convertTyped(
  schema: JsonSchema,
  type: string,
  next: (s: JsonSchemaDefinition) => GbnfJsonSchema,
): GbnfJsonSchema {
  if (type === "object") {
    const properties = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, v]) => [k, next(v)]),
    );
    const extra = schema.additionalProperties;
    const hasProperties = Object.keys(properties).length > 0;
    return {
      type: "object",
      properties,
      ...(hasProperties || extra === false
        ? {}
        : { additionalProperties: extra === undefined || extra === true ? true : next(extra) }),
    };
  }
  if (type === "array") {
    const tuple = Array.isArray(schema.items) ? schema.items : schema.prefixItems;
    const items = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
    return {
      type: "array",
      ...(tuple ? { prefixItems: tuple.map(next) } : {}),
      ...(items !== undefined && typeof items === "object" && !Array.isArray(items)
        ? { items: next(items) }
        : {}),
      ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
      ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
    };
  }
  if (type === "string") {
    if (schema.format !== undefined && KEPT_FORMATS.has(schema.format)) {
      return { type: "string", format: schema.format as "date" | "time" | "date-time" };
    }
    return {
      type: "string",
      ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
      ...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {}),
    };
  }
  return PRIMITIVES.has(type) ? { type: type as Primitive } : ANY;
}

function inferTypes(schema: JsonSchema): string[] {
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return ["object"];
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ["array"];
  return [];
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
