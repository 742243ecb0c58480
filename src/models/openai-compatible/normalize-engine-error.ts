import { APICallError } from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import { contextRefusal } from "./context-refusal.js";

/**
 * Any error out of the AI SDK's OpenAI-compatible model → an `AlambiqueError`
 * that says what failed and what to check, so that callers branch on one kind
 * of error whatever the provider. Errors this package raised in its `fetch`
 * (which the SDK may have wrapped in an `APICallError`) come back unwrapped;
 * aborts pass through untouched.
 *
 * The result is never an `APICallError`, on purpose: the `ai` functions retry
 * those, and retrying is already done, once, in `fetchWithRetry`.
 */
export function normalizeEngineError(error: unknown, baseURL: string): unknown {
  if (AlambiqueError.isInstance(error)) return error;
  if (!APICallError.isInstance(error)) return error;
  if (AlambiqueError.isInstance(error.cause)) return error.cause;
  const status = error.statusCode;
  const base = { cause: error };
  // No status, or a success the SDK could not read: the engine does not speak the protocol.
  if (status === undefined || (status >= 200 && status < 300)) {
    return new AlambiqueError(
      `the engine at ${baseURL} sent an answer that is not the OpenAI API: ${error.message}`,
      {
        ...base,
        code: "engine_incompatible",
        status: 502,
        retryable: false,
        hint: "is the base URL the engine's OpenAI API root (usually ending in /v1)?",
      },
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    const refusal = contextRefusal(error.responseBody, baseURL);
    if (refusal) return refusal;
    return new AlambiqueError(`the engine refused the request: ${error.message}`, {
      ...base,
      code: "engine_rejected_request",
      status: 400,
      retryable: false,
    });
  }
  if (status === 429) {
    // A 429 reaches clients as it is (they may retry): its message names no engine URL.
    return new AlambiqueError(`the model engine is rate-limiting requests: ${error.message}`, {
      ...base,
      code: "engine_busy",
      status: 429,
      retryable: true,
      hint: "retry later, or give the engine more capacity",
    });
  }
  return new AlambiqueError(`the engine at ${baseURL} failed (HTTP ${status}): ${error.message}`, {
    ...base,
    code: "engine_failed",
    status: 502,
    retryable: status >= 500,
    hint: "see the engine's own logs",
  });
}
