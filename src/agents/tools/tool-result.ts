/**
 * How a tool's failure reaches the model: as its result, never as an
 * exception. A tool call that goes wrong (bad arguments, a webhook that is
 * down, an MCP server that crashed) must not end the customer's turn; the
 * model reads what happened and tells the customer, tries again, or hands off.
 *
 * Every failed call returns a `ToolError`; `toModelOutput` marks it as an
 * error (`error-json`) for the provider, so it is also distinguishable in the
 * AI SDK's step results and in the stored messages.
 */
import type { LanguageModelV3ToolResultOutput } from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";

export type ToolErrorCode =
  /** The arguments do not match the tool's schema; `issues` say where. */
  | "invalid_arguments"
  /** A secret the tool's headers or environment name is not set. */
  | "missing_secret"
  /** The tool cannot work with this agent's configuration (e.g. no business hours). */
  | "not_configured"
  /** No answer within the tool's time limit. */
  | "timeout"
  /** The remote end could not be reached (refused, DNS, reset). */
  | "unreachable"
  /** The remote end answered with a non-2xx HTTP status. */
  | "http_status"
  /** The remote end answered, but not with what it declared (e.g. junk for JSON). */
  | "bad_response"
  /** A redirect to another host, or too many redirects. */
  | "redirect_refused"
  /** The host is not a public internet address, and this tenant's tools may only call those. */
  | "address_refused"
  /** The MCP server went away during the call; the next call reconnects. */
  | "connection_lost"
  /** The tool ran and reported a failure itself (an MCP tool's `isError`). */
  | "tool_failed"
  /** The turn was cancelled while the tool ran. */
  | "cancelled"
  /** Anything else; the message says what. */
  | "internal";

export interface ToolError {
  isError: true;
  code: ToolErrorCode;
  /** What went wrong, for the model (and the log). */
  error: string;
  /** How it can be fixed, or what to do instead. */
  hint?: string;
  /** Whether the same call may succeed if made again later. */
  retryable: boolean;
  /** Validation issues (`invalid_arguments`). */
  issues?: { path: string; message: string }[];
  /** The HTTP status (`http_status`). */
  status?: number;
}

export function toolError(
  code: ToolErrorCode,
  error: string,
  extra: { hint?: string; retryable?: boolean; issues?: ToolError["issues"]; status?: number } = {},
): ToolError {
  const result: ToolError = { isError: true, code, error, retryable: extra.retryable ?? false };
  if (extra.hint !== undefined) result.hint = extra.hint;
  if (extra.issues !== undefined) result.issues = extra.issues;
  if (extra.status !== undefined) result.status = extra.status;
  return result;
}

export function isToolError(value: unknown): value is ToolError {
  return typeof value === "object" && value !== null && (value as { isError?: unknown }).isError === true;
}

/** A thrown value as a `ToolError`: `AlambiqueError`s keep their hint and retryability. */
export function toolErrorFrom(thrown: unknown, doing: string): ToolError {
  if (AlambiqueError.isInstance(thrown)) {
    return toolError("internal", `${doing} failed: ${thrown.message}`, {
      hint: thrown.hint,
      retryable: thrown.retryable,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return toolError("internal", `${doing} failed: ${message}`, { retryable: false });
}

/**
 * The AI SDK `toModelOutput` of every Alambique tool: `ToolError` → `error-json`,
 * a string → `text`, anything else → `json`.
 */
export function toModelOutput({ output }: { output: unknown }): LanguageModelV3ToolResultOutput {
  if (isToolError(output)) return { type: "error-json", value: output as unknown as JsonValue };
  if (typeof output === "string") return { type: "text", value: output };
  return { type: "json", value: (output ?? null) as JsonValue };
}
