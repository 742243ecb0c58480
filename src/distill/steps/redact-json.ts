/**
 * Personal data masked inside a JSON value (tool arguments and results),
 * leaf by leaf, so the value stays valid JSON: strings go through
 * `redactPii`; a number that reads as a phone or card number becomes the
 * placeholder string.
 */
import { redactPii } from "../../safety/redact-pii.js";

export function redactJson(value: unknown): unknown {
  if (typeof value === "string") return redactPii(value).text;
  if (typeof value === "number") {
    const text = String(value);
    const redacted = redactPii(text).text;
    return redacted === text ? value : redacted;
  }
  if (Array.isArray(value)) return value.map(redactJson);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactJson(inner)]));
  return value;
}
