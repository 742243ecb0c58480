import { z } from "zod";
import type { JsonSchemaDefinition } from "./json-schema.js";

/**
 * Checks a value against a JSON Schema with zod 4's `z.fromJSONSchema`.
 * Used where a value did not come from our own grammar (node-llama-cpp's
 * native function calling) and must be checked before it is trusted.
 */

const cache = new WeakMap<object, z.ZodType | null>();

/** `true`/`false` when the value does/does not match; `undefined` when zod cannot read the schema. */
export function matchesSchema(schema: JsonSchemaDefinition, value: unknown): boolean | undefined {
  if (typeof schema === "boolean") return schema;
  let validator = cache.get(schema);
  if (validator === undefined) {
    try {
      validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      validator = null;
    }
    cache.set(schema, validator);
  }
  return validator === null ? undefined : validator.safeParse(value).success;
}
