import { ChannelSendError } from "../spec/channel-errors.js";

export interface ProviderAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * One JSON call to a provider's API, with a deadline. Network failures and
 * timeouts become a retryable `ChannelSendError`; any HTTP answer is returned
 * for the caller to read (each provider words its errors its own way).
 */
export async function callProvider(
  url: string,
  init: { method: "GET" | "POST"; headers?: Record<string, string>; json?: unknown },
  timeoutMs = 15_000,
): Promise<ProviderAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw new ChannelSendError(`could not reach ${new URL(url).origin}: ${(error as Error).message}`, {
      retryable: true,
      cause: error,
    });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): kept as text for the message.
  }
  return { status: response.status, body, headers: response.headers };
}

/** Whether an HTTP status is worth retrying: rate limited, or the provider's own failure. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterHeader(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A failed check in words a person can act on. */
export function describeFailure(error: unknown, credential: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/\b(401|403)\b/.test(message)) return `${message} — ${credential} is wrong, revoked or expired`;
  if (/\b404\b/.test(message)) return `${message} — check ${credential} and the base URL`;
  return message;
}
