import { readFileSync } from "node:fs";
import { UsageError } from "../../spec/errors.js";

/**
 * `--json-schema` takes inline JSON (starts with `{`) or a file path. Throws
 * UsageError naming what is wrong: unreadable file, invalid JSON, not an object.
 */
export function readJsonSchema(value: string): Record<string, unknown> {
  const inline = value.trimStart().startsWith("{");
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(value, "utf8");
    } catch (cause) {
      throw new UsageError(
        `cannot read the JSON schema file ${value} (${(cause as NodeJS.ErrnoException).code ?? "error"})`,
        'pass a path to a .json file, or the schema inline: --json-schema \'{"type":"object",…}\'',
      );
    }
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(
      `the JSON schema ${inline ? "given inline" : `in ${value}`} is not valid JSON: ${(cause as Error).message}`,
      "check quotes and commas; in a shell, wrap inline JSON in single quotes",
    );
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new UsageError('the JSON schema must be a JSON object, e.g. {"type":"object","properties":{…}}');
  }
  return schema as Record<string, unknown>;
}
