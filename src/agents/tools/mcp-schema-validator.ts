import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { compileJsonSchema } from "../../models/json-schema/compile-json-schema.js";

/**
 * The JSON Schema validator the MCP client checks tools' structured output
 * with, in place of the SDK's default (Ajv, whose `pattern` runs on
 * JavaScript's backtracking RegExp: a server's `outputSchema` with `^(a+)+$`
 * and a result of 40 `a`s and a `!` would stop the whole process). Schemas
 * come from MCP servers, untrusted: they are compiled like tenants' webhook
 * schemas (patterns on RE2, bounded work). A schema that cannot be compiled
 * that way checks nothing: what a tool returns is fenced as data for the
 * model anyway, and its server's promise about its shape is not what keeps
 * anyone safe.
 */
export const safeJsonSchemaValidator: jsonSchemaValidator = {
  getValidator<T>(schema: unknown) {
    let compiled: ReturnType<typeof compileJsonSchema> | undefined;
    try {
      compiled = compileJsonSchema(schema);
    } catch {
      compiled = undefined;
    }
    return (input: unknown) => {
      if (!compiled) return { valid: true, data: input as T, errorMessage: undefined };
      const result = compiled.check(input);
      if (result.success) return { valid: true, data: result.data as T, errorMessage: undefined };
      const message = result.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ");
      return { valid: false, data: undefined, errorMessage: message };
    };
  },
};
