import type { FastifyReply } from "fastify";
import { AlambiqueError } from "../../spec/errors.js";

/**
 * Seconds to tell a client to wait before retrying, for retryable errors
 * that do not name their own wait (a `LimitError` sets `Retry-After` itself
 * and keeps it): another replica still answering the customer's previous
 * message (409 `conversation_busy`), and a database too busy to lend a
 * connection in time or held by another writer (503 `store_unavailable`,
 * `store_locked`, `migration_pending`…). Undefined: no header.
 */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!AlambiqueError.isInstance(error) || !error.retryable) return undefined;
  if (error.code === "conversation_busy") return 2;
  if (error.status === 503 || error.status === 429) return 1;
  return undefined;
}

/** Sets `Retry-After` on a refusal (see `retryAfterSeconds`) unless it already has one. */
export function setRetryAfter(reply: FastifyReply, error: unknown): void {
  if (reply.hasHeader("retry-after")) return;
  const seconds = retryAfterSeconds(error);
  if (seconds !== undefined) reply.header("retry-after", String(seconds));
}
