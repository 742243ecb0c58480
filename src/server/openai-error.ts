import {
  APICallError,
  InvalidPromptError,
  NoSuchModelError,
  TooManyEmbeddingValuesForCallError,
  UnsupportedFunctionalityError,
} from "@ai-sdk/provider";
import { CustomerFacingError, withRequestId } from "../safety/customer-facing-error.js";
import { AlambiqueError, type ErrorCode, ValidationError } from "../spec/errors.js";
import { formatParam, RequestError } from "./request-error.js";

/** The error body every route answers with, as OpenAI's API and its clients expect it. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

export interface MappedError {
  status: number;
  body: OpenAIErrorBody;
  /** True when the server is at fault (5xx): log it with its stack. */
  internal: boolean;
}

/**
 * Turns anything thrown while serving a request into a status and an
 * OpenAI-shaped body. A client's mistake is always a 4xx with a message that
 * says what to change; only failures of our own (or of an upstream engine)
 * are 5xx, and those never carry a stack or internal detail to the client:
 * whatever their own message says (an engine's URL, a file's path), a 5xx
 * answers a polite message chosen by its status — or a `CustomerFacingError`'s
 * own, in the customer's language — followed by `requestId`, which the log
 * lines of the request carry too (with the detail). The `code` stays.
 */
export function toOpenAIError(error: unknown, requestId?: string): MappedError {
  const result = classify(error);
  if (CustomerFacingError.isInstance(error)) {
    return withMessage(result, withRequestId(error.message, requestId, error.language));
  }
  if (!result.internal) return result;
  return withMessage(result, withRequestId(politeMessage(result.status), requestId));
}

function withMessage(result: MappedError, message: string): MappedError {
  return { ...result, body: { error: { ...result.body.error, message } } };
}

/** What a client is told when the fault is ours, by status: never the error's own message. */
function politeMessage(status: number): string {
  if (status === 502 || status === 504)
    return "The model could not answer right now. Please try again in a moment.";
  if (status === 503) return "The service is busy or restarting. Please try again in a moment.";
  return "Something went wrong on our side. Please try again in a moment.";
}

function classify(error: unknown): MappedError {
  if (ValidationError.isInstance(error)) {
    const first = error.issues[0];
    return mapped(
      400,
      error.message,
      "invalid_request_error",
      error.code,
      first ? formatParam(first.path) : null,
    );
  }
  if (AlambiqueError.isInstance(error)) {
    // A hint tells a client how to fix its request; on a 5xx it is for the operator, and stays in the logs.
    const message = error.status < 500 && error.hint ? `${error.message} (${error.hint})` : error.message;
    const param = RequestError.isInstance(error) ? error.param : null;
    return mapped(error.status, message, typeFor(error.status), error.code, param);
  }
  const fastify = fastifyError(error);
  if (fastify) return fastify;
  if (NoSuchModelError.isInstance(error)) {
    return mapped(404, error.message, "invalid_request_error", "model_not_found", "model");
  }
  if (UnsupportedFunctionalityError.isInstance(error)) {
    return mapped(400, error.message, "invalid_request_error", "unsupported", null);
  }
  if (InvalidPromptError.isInstance(error)) {
    return mapped(400, error.message, "invalid_request_error", "invalid_prompt", "messages");
  }
  if (TooManyEmbeddingValuesForCallError.isInstance(error)) {
    return mapped(400, error.message, "invalid_request_error", "too_many_inputs", "input");
  }
  if (APICallError.isInstance(error)) return upstreamError(error);
  if (isAbortError(error)) {
    return mapped(503, "the request was cancelled before it finished", "server_error", "cancelled", null);
  }
  return mapped(500, "internal server error", "server_error", "internal_error", null);
}

/** Fastify's own request errors (body parsing, limits) carry `FST_` codes and a 4xx `statusCode`. */
function fastifyError(error: unknown): MappedError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, statusCode, message } = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof statusCode !== "number" || statusCode < 400 || statusCode >= 500) return undefined;
  const text = typeof message === "string" ? message : "invalid request";
  switch (code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return mapped(
        400,
        `the request body is not valid JSON: ${text}`,
        "invalid_request_error",
        "invalid_json",
        null,
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return mapped(413, "the request body is too large", "invalid_request_error", "body_too_large", null);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return mapped(
        415,
        "unsupported Content-Type: send application/json",
        "invalid_request_error",
        "unsupported_media_type",
        null,
      );
    default:
      return mapped(statusCode, text, typeFor(statusCode), "invalid_request", null);
  }
}

/** An engine behind an unwrapped provider failed: its 4xx about the request stay client errors. */
function upstreamError(error: APICallError): MappedError {
  const status = error.statusCode;
  if (status === 400 || status === 413 || status === 422) {
    return mapped(
      400,
      `the model engine refused the request: ${error.message}`,
      "invalid_request_error",
      "invalid_request",
      null,
    );
  }
  if (status === 429)
    return mapped(429, "the model engine is busy; retry later", "rate_limit_error", "rate_limited", null);
  return mapped(502, `the model engine failed: ${error.message}`, "server_error", "upstream_error", null);
}

function typeFor(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** `code` is one of the registry's (`src/spec/error-codes.ts`), as every code a client reads. */
function mapped(
  status: number,
  message: string,
  type: string,
  code: ErrorCode,
  param: string | null,
): MappedError {
  return { status, body: { error: { message, type, code, param } }, internal: status >= 500 };
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    ((error as { name?: unknown }).name === "AbortError" ||
      (error as { name?: unknown }).name === "TimeoutError")
  );
}
