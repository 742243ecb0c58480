/**
 * Header and environment values in tool specs are either literal text or
 * `{ secret: NAME }`, looked up at call time. The secret's value is never put
 * in an error: only its name.
 */
import { type ToolError, toolError } from "./tool-result.js";

export type SecretValue = string | { secret: string };

export function resolveSecretValues(
  values: Record<string, SecretValue>,
  secrets: (name: string) => string | undefined,
  what: string,
): { ok: true; values: Record<string, string> } | { ok: false; error: ToolError } {
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string") {
      resolved[key] = value;
      continue;
    }
    const secret = secrets(value.secret);
    if (secret === undefined) missing.push(value.secret);
    else resolved[key] = secret;
  }
  if (missing.length === 0) return { ok: true, values: resolved };
  const names = missing.join(", ");
  return {
    ok: false,
    error: toolError(
      "missing_secret",
      `${what} needs the secret${missing.length > 1 ? "s" : ""} ${names}, which is not set; nothing was sent`,
      {
        hint: `Whoever runs Alambique must set the environment variable${missing.length > 1 ? "s" : ""} ${names} and restart it. Tell the customer this service is unavailable right now.`,
      },
    ),
  };
}
