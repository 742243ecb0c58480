/**
 * How the engine treats a failed attempt at a task: which errors a retry may
 * cure, which ones mean the model's output was unusable, how long to wait
 * before the next attempt, and what to write in the dropped row.
 */
import { APICallError } from "@ai-sdk/provider";
import { errorChain } from "../../models/structured/is-invalid-output.js";
import { AlambiqueError } from "../../spec/errors.js";

/**
 * Rate limits, overloads (5xx), timeouts and network failures: anything an
 * `AlambiqueError` or the AI SDK marks retryable, looking through the AI SDK's
 * `RetryError` (its last error) and `cause` chains.
 */
export function isRetryable(error: unknown): boolean {
  for (const e of errorChain(error)) {
    if (AlambiqueError.isInstance(e)) return e.retryable;
    if (APICallError.isInstance(e)) return e.isRetryable;
    if (
      e instanceof Error &&
      (e.name === "TimeoutError" || /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up/i.test(e.message))
    ) {
      return true;
    }
  }
  return false;
}

/** Exponential backoff with full jitter: attempt 1 waits up to `baseMs`, then 2×, 4×… capped at `maxMs`. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** One line for `dropDetail`: the error's code and message, at most 500 characters. */
export function describeFailure(error: unknown): string {
  const first = errorChain(error).find((e) => AlambiqueError.isInstance(e)) ?? error;
  const code = AlambiqueError.isInstance(first) ? `${first.code}: ` : "";
  const message = first instanceof Error ? first.message : String(first);
  const line = `${code}${message}`.replace(/\s+/g, " ").trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
