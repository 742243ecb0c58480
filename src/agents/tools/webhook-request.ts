/**
 * One HTTP call of a webhook tool, and what the model learns from it. Never
 * throws: every failure (timeout, refused connection, non-2xx, junk, a
 * redirect elsewhere) is a `ToolError` whose message says what happened.
 *
 * - GET sends the arguments in the query string (arrays as repeated keys,
 *   objects as JSON text); other methods send them as a JSON body.
 * - `timeoutMs` covers the whole call, body included (`AbortSignal.timeout`).
 * - The body is read up to `maxResponseBytes`; past that it is cut, the rest
 *   is never downloaded, and the result says `truncated: true`.
 * - Redirects: followed (at most 3) only to the same host name and never from
 *   https to http, with the method rules of `fetch` (303, and 301/302 after a
 *   POST, become a GET without body). A redirect to any other host is refused
 *   with `redirect_refused` naming it: the tool's headers carry secrets that
 *   must only reach the host the agent's author wrote down.
 * - `fetcher` is `publicFetch` for tenants kept to public addresses; a call it
 *   refuses (here or after a redirect) is `address_refused`.
 */
import type { WebhookToolSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import { privateAddressOf } from "./public-network.js";
import { decodeText, readLimitedBody } from "./read-limited-body.js";
import { type ToolError, toolError } from "./tool-result.js";

export interface WebhookAnswer {
  status: number;
  /** The parsed JSON answer. */
  data?: JsonValue;
  /** A text answer, or a JSON one that was cut and cannot be parsed. */
  text?: string;
  truncated?: true;
  note?: string;
}

const maxRedirects = 3;
const jsonType = /^application\/(?:[\w.-]+\+)?json\b|^text\/json\b/i;
const textType = /^(?:text\/|application\/(?:[\w.-]+\+)?(?:xml|javascript|x-www-form-urlencoded)\b)/i;
const snippetChars = 500;

export async function callWebhook(
  spec: WebhookToolSpec,
  args: JsonValue,
  headers: Headers,
  turnSignal: AbortSignal | undefined,
  fetcher: typeof fetch = fetch,
): Promise<WebhookAnswer | ToolError> {
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = turnSignal === undefined ? timeout : AbortSignal.any([timeout, turnSignal]);
  const first = webhookUrl(spec, args);
  let url = first;
  let method: string = spec.method;
  let body: string | undefined = spec.method === "GET" ? undefined : JSON.stringify(args);
  if (body !== undefined) headers.set("content-type", "application/json");
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetcher(url, { method, headers, body, redirect: "manual", signal });
      if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
        await response.body?.cancel();
        const next = new URL(response.headers.get("location") as string, url);
        // Same host and port only: another port on the same machine is another service, and gets no secrets.
        if (next.host !== first.host || (first.protocol === "https:" && next.protocol !== "https:")) {
          return toolError(
            "redirect_refused",
            `the webhook redirected to ${next.origin}, which is not ${first.origin}; the call was not followed there`,
            {
              hint: "If the new address is right, the agent's author should put it in the tool's url. Tell the customer this service is unavailable right now.",
            },
          );
        }
        if (hop === maxRedirects) {
          return toolError(
            "redirect_refused",
            `the webhook redirected more than ${maxRedirects} times; gave up at ${next.href}`,
            {
              hint: "The agent's author should put the final address in the tool's url.",
            },
          );
        }
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          headers.delete("content-type");
        }
        url = next;
        continue;
      }
      const { bytes, truncated } = await readLimitedBody(response.body, spec.maxResponseBytes);
      return interpret(response, bytes, truncated, spec.maxResponseBytes);
    }
  } catch (error) {
    if (timeout.aborted) {
      return toolError("timeout", `the webhook at ${first.host} did not answer within ${spec.timeoutMs} ms`, {
        retryable: true,
        hint:
          spec.method === "GET"
            ? "Try once more, or tell the customer the service is slow right now."
            : "The request may have arrived: do not repeat it blindly. Offer a ticket or a person.",
      });
    }
    if (turnSignal?.aborted)
      return toolError("cancelled", "the turn was cancelled during the webhook call", { retryable: true });
    const refused = privateAddressOf(error);
    if (refused) {
      return toolError("address_refused", `the webhook was not called: ${refused.message}`, {
        retryable: false,
        hint: "This agent's tools may only call public internet addresses. The agent's owner must use a public URL; offer a ticket or a person.",
      });
    }
    return toolError("unreachable", `could not reach ${first.origin}: ${networkReason(error)}`, {
      retryable: true,
      hint: "The service is down or unreachable. Try again later, or offer a ticket or a person.",
    });
  }
}

function webhookUrl(spec: WebhookToolSpec, args: JsonValue): URL {
  const url = new URL(spec.url);
  if (spec.method !== "GET" || typeof args !== "object" || args === null || Array.isArray(args)) return url;
  for (const [key, value] of Object.entries(args)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) continue;
      url.searchParams.append(key, typeof item === "object" ? JSON.stringify(item) : String(item));
    }
  }
  return url;
}

function interpret(
  response: Response,
  bytes: Uint8Array,
  truncated: boolean,
  maxBytes: number,
): WebhookAnswer | ToolError {
  const contentType = response.headers.get("content-type") ?? "";
  const isJson = jsonType.test(contentType);
  const isText = isJson || contentType === "" || textType.test(contentType);
  const text = isText ? decodeText(bytes, truncated) : "";
  const cut = truncated
    ? {
        truncated: true as const,
        note: `The answer was longer than ${maxBytes} bytes and was cut there; it is incomplete.`,
      }
    : {};

  if (!response.ok) {
    const status = response.status;
    return toolError(
      "http_status",
      `the webhook answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}${text ? `: ${snippet(text)}` : ""}`,
      {
        status,
        retryable: status === 408 || status === 425 || status === 429 || status >= 500,
        hint:
          status === 401 || status === 403
            ? "The service refused the agent's credentials; the agent's owner must check the tool's headers and secrets. Offer a person."
            : status >= 500 || status === 429
              ? "The service failed or is busy. Try again later, or offer a ticket or a person."
              : "The service refused the request; check the details with the customer before trying again.",
      },
    );
  }
  if (bytes.byteLength === 0) return { status: response.status, data: null };
  if (!isText) {
    return {
      status: response.status,
      note: `The answer is ${contentType} (${bytes.byteLength} bytes${truncated ? " or more" : ""}), which cannot be shown.`,
    };
  }
  if (isJson && !truncated) {
    try {
      return { status: response.status, data: JSON.parse(text) as JsonValue };
    } catch {
      return toolError(
        "bad_response",
        `the webhook said its answer is JSON (${contentType}) but it is not: ${snippet(text)}`,
        {
          retryable: false,
          hint: "The service is misbehaving; the agent's owner should check it. Offer a ticket or a person.",
        },
      );
    }
  }
  return { status: response.status, text, ...cut };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > snippetChars ? `${flat.slice(0, snippetChars)}…` : flat;
}

/** `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)`, from undici's `fetch failed` and its cause. */
function networkReason(error: unknown): string {
  const cause =
    error instanceof Error
      ? (error.cause as (Error & { code?: string; errors?: (Error & { code?: string })[] }) | undefined)
      : undefined;
  const inner = cause?.errors?.[0] ?? cause;
  if (inner instanceof Error) return inner.code ? `${inner.code} (${inner.message})` : inner.message;
  return error instanceof Error ? error.message : String(error);
}
