/**
 * A tool's arguments: the JSON Schema the model is shown, and the validation
 * run inside the tool before anything happens. Validation lives in the tool
 * (not in the AI SDK's schema hook) so that invalid arguments come back to the
 * model as an ordinary `invalid_arguments` result that says which field is
 * wrong, the same for every kind of tool.
 *
 * JSON Schemas written in agent specs (webhooks) and sent by MCP servers are
 * untrusted: they are compiled by `compileJsonSchema`, which checks patterns
 * in linear time (RE2), bounds the work of every check, and refuses a schema
 * that is not one, or uses keywords it cannot check, with the path of each
 * problem. zod stays the one validator.
 */
import type { JSONSchema7 } from "@ai-sdk/provider";
import { z } from "zod";
import { type CompiledJsonSchema, compileJsonSchema } from "../../models/json-schema/compile-json-schema.js";
import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";

export type ParsedArguments =
  | { ok: true; args: JsonValue }
  | { ok: false; issues: { path: string; message: string }[] };

export interface ArgumentsSchema {
  /** What the model is shown. */
  jsonSchema: JSONSchema7;
  /** Validates and normalises (defaults applied). Never throws. */
  parse(input: unknown): ParsedArguments;
}

/** From a zod schema (the built-in tools). */
export function argumentsSchemaFromZod(schema: z.ZodType): ArgumentsSchema {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: "input" });
  return { jsonSchema: jsonSchema as JSONSchema7, parse: (input) => parseWith(schema, input) };
}

/**
 * From a JSON Schema (webhook specs). Throws `ValidationError` when it does not
 * describe an object, is not a JSON Schema, or uses what cannot be checked
 * (a backreference in a pattern, `if`/`then`); `where` names the place in the
 * spec in the message (`tools[2].inputSchema`), and each issue's path is
 * inside the schema (`["properties", "code", "pattern"]`).
 */
export function compileArgumentsSchema(jsonSchema: Record<string, unknown>, where: string): ArgumentsSchema {
  if (jsonSchema.type !== "object") {
    throw new ValidationError(
      `${where} must describe an object (type: "object"): models pass tool arguments as named fields`,
      [{ path: ["type"], message: `expected "object", got ${JSON.stringify(jsonSchema.type)}` }],
      'Write the arguments as { "type": "object", "properties": { … }, "required": [ … ] }.',
    );
  }
  let compiled: CompiledJsonSchema;
  try {
    compiled = compileJsonSchema(jsonSchema);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    const first = error.issues[0];
    const at = first && first.path.length > 0 ? ` (at ${where}.${first.path.join(".")})` : "";
    throw new ValidationError(
      `${where} cannot be checked: ${first?.message ?? error.message}${at}`,
      error.issues,
      error.hint ??
        "Use plain JSON Schema: type, properties, required, enum, items, minimum/maximum, minLength/maxLength, " +
          "pattern, format, anyOf/oneOf/allOf, local $ref. if/then/else, not and dependentSchemas are not supported.",
    );
  }
  return {
    jsonSchema: jsonSchema as JSONSchema7,
    parse(input) {
      const result = compiled.check(input ?? {});
      if (result.success) return { ok: true, args: result.data as JsonValue };
      return {
        ok: false,
        issues: result.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      };
    },
  };
}

/**
 * For MCP tools: the server validates its own arguments, so a schema that
 * cannot be compiled is shown to the model as it is and only checked to be an object.
 */
export function lenientArgumentsSchema(jsonSchema: Record<string, unknown>): ArgumentsSchema {
  try {
    return compileArgumentsSchema({ type: "object", ...jsonSchema }, "inputSchema");
  } catch {
    return {
      jsonSchema: { type: "object", ...jsonSchema } as JSONSchema7,
      parse: (input) =>
        typeof input === "object" && input !== null && !Array.isArray(input)
          ? { ok: true, args: input as JsonValue }
          : { ok: false, issues: [{ path: "(arguments)", message: "expected an object" }] },
    };
  }
}

function parseWith(schema: z.ZodType, input: unknown): ParsedArguments {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, args: result.data as JsonValue };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** `items[0].sku`, or `(arguments)` for the whole object. */
function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(arguments)";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}
