import { ValidationError } from "../../spec/errors.js";

/** Throws `ValidationError` unless `limit` is an integer from 1 to `max`. */
export function assertLimit(limit: number, max: number, field = "limit"): void {
  if (Number.isInteger(limit) && limit >= 1 && limit <= max) return;
  throw new ValidationError(
    `${field} must be an integer from 1 to ${max}, got ${String(limit)}`,
    [{ path: [field], message: `expected an integer from 1 to ${max}` }],
    `Pass a ${field} between 1 and ${max}; page through more with several calls.`,
  );
}
