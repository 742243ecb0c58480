import { type CompiledJsonSchema, compileJsonSchema } from "../../json-schema/compile-json-schema.js";
import type { JsonSchemaDefinition } from "./json-schema.js";

/**
 * Checks a value against a JSON Schema, with `compileJsonSchema` (patterns on
 * a linear-time engine, the work bounded: the schema may be a caller's).
 * Used where a value did not come from our own grammar (node-llama-cpp's
 * native function calling) and must be checked before it is trusted.
 */

const cache = new WeakMap<object, CompiledJsonSchema | null>();

/** `true`/`false` when the value does/does not match; `undefined` when the schema cannot be compiled. */
export function matchesSchema(schema: JsonSchemaDefinition, value: unknown): boolean | undefined {
  if (typeof schema === "boolean") return schema;
  let validator = cache.get(schema);
  if (validator === undefined) {
    try {
      validator = compileJsonSchema(schema);
    } catch {
      validator = null;
    }
    cache.set(schema, validator);
  }
  return validator === null ? undefined : validator.check(value).success;
}
