import { AlambiqueError } from "../../spec/errors.js";

export interface FetchWithRetryOptions {
  /** Attempts after the first. Default 2. */
  retries?: number;
  /**
   * Per attempt, how long to wait for the response headers, in milliseconds.
   * Default 120 000. The body is not timed: a stream may run as long as the
   * model generates. A non-streaming completion sends its headers only when
   * generation ends, so this bounds a whole non-streamed generation.
   */
  timeoutMs?: number;
  /** The first backoff delay in milliseconds; it doubles each retry, with jitter. Default 500. */
  baseDelayMs?: number;
  /**
   * The longest wait before a retry, in milliseconds. Default 30 000. A
   * `Retry-After` longer than this is not waited for: the response is returned.
   */
  maxDelayMs?: number;
  fetch?: typeof globalThis.fetch;
  /** A number in [0, 1); replaceable so that tests can pin the jitter. */
  random?: () => number;
}

/** Statuses that say "try again": timeouts, rate limits, and a server or proxy that is down or overloaded. */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);

/**
 * A `fetch` for talking to a model engine: each attempt has a timeout for the
 * response headers, and rate limits, 5xx overloads, timeouts and network
 * failures are retried with exponential backoff and jitter, honouring
 * `Retry-After`. A request whose body is a stream is tried only once (the
 * body cannot be sent twice).
 *
 * The caller's abort signal always wins: once it fires, no retry is made and
 * any wait is cut short, and the signal's reason is thrown.
 *
 * Returns the last response when retryable statuses persist (so the caller
 * sees the engine's own error). Throws `AlambiqueError` `engine_unreachable`
 * (502) when no attempt got an answer, or `engine_timeout` (504) when the
 * last attempt timed out, naming the URL and what to check.
 */
export function createFetchWithRetry(options: FetchWithRetryOptions = {}): typeof globalThis.fetch {
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const random = options.random ?? Math.random;

  return async function fetchWithRetry(input, init) {
    const url = requestUrl(input);
    const callerSignal = init?.signal ?? undefined;
    const attempts = init?.body instanceof ReadableStream ? 1 : retries + 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      callerSignal?.throwIfAborted();
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
        timeoutMs,
      );
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
      let delayMs: number;
      try {
        const response = await doFetch(input, { ...init, signal });
        const last = attempt === attempts - 1;
        if (last || !retryableStatuses.has(response.status)) return response;
        const retryAfter = retryAfterMs(response.headers.get("retry-after"));
        if (retryAfter !== undefined && retryAfter > maxDelayMs) return response;
        await response.body?.cancel().catch(() => {});
        delayMs = retryAfter ?? backoff(attempt);
      } catch (error) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        lastError = timeout.signal.aborted ? timeout.signal.reason : error;
        delayMs = backoff(attempt);
      } finally {
        clearTimeout(timer);
      }
      if (attempt < attempts - 1) await sleep(delayMs, callerSignal);
    }
    throw unreachable(url, attempts, lastError, timeoutMs);
  };

  function backoff(attempt: number): number {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    // "Equal jitter": at least half the delay, so that retries never bunch up at zero.
    return ceiling / 2 + random() * (ceiling / 2);
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function requestUrl(input: string | URL | Request): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}

function unreachable(url: string, attempts: number, error: unknown, timeoutMs: number): AlambiqueError {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  if ((error as { name?: unknown })?.name === "TimeoutError") {
    return new AlambiqueError(`${url} did not answer within ${timeoutMs} ms (${tries})`, {
      code: "engine_timeout",
      status: 504,
      retryable: true,
      hint: "is the engine overloaded or still loading its model? Raise the timeout if generations are long",
      cause: error,
    });
  }
  return new AlambiqueError(
    `could not reach the model engine at ${url} (${networkDetail(error)}; ${tries})`,
    {
      code: "engine_unreachable",
      status: 502,
      retryable: true,
      hint: "is the engine running, and is the base URL its OpenAI API root (e.g. http://localhost:8000/v1)?",
      cause: error,
    },
  );
}

/** The most specific reason undici gives: `ECONNREFUSED`, `ENOTFOUND`, or the message. */
function networkDetail(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}
