import { CustomerFacingError } from "../safety/customer-facing-error.js";
import { pick } from "./localized.js";

/** What a customer is told when their turn fails on our side (the engine is down, the store is busy…). */
const sorry = {
  es: "Lo siento, ahora mismo no puedo responder. Inténtalo de nuevo en un momento.",
  en: "Sorry, I can't answer right now. Please try again in a moment.",
};

/**
 * A turn's failure as the customer should hear it: a `CustomerFacingError`
 * with a polite message in `language` (the conversation's, once known), the
 * failure kept as its `cause` for the log. Aborts (the client left, the
 * deadline passed, the server is closing) and errors already told for the
 * customer pass through unchanged: their callers branch on them.
 */
export function turnFailure(error: unknown, language: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || isAbort(error) || CustomerFacingError.isInstance(error)) return error;
  return new CustomerFacingError(pick(undefined, language, sorry), { language, cause: error });
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
}
