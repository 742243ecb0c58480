/**
 * Whether a model call failed because the model answered, but not with what
 * the call's schema asked for (the AI SDK's parse and validation errors),
 * looking through its `RetryError` (`lastError`) and `cause` chains. Such a
 * failure is model nonsense, to be tried again with another seed or dropped,
 * never an outage to back off from.
 */
export function isInvalidOutput(error: unknown): boolean {
  return errorChain(error).some(
    (e) =>
      e instanceof Error &&
      [
        "AI_NoObjectGeneratedError",
        "AI_JSONParseError",
        "AI_TypeValidationError",
        "AI_NoOutputGeneratedError",
      ].includes(e.name),
  );
}

/** The error, then what it wraps (`lastError` of a retry, or `cause`), at most 8 deep. */
export function errorChain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && seen.length < 8 && !seen.includes(current)) {
    seen.push(current);
    const e = current as { lastError?: unknown; cause?: unknown };
    current = e.lastError ?? e.cause;
  }
  return seen;
}
