import { ChannelSendError } from "../../spec/channel-errors.js";
import { callProvider, describeFailure, retryAfterHeader, retryableStatus } from "../provider-call.js";

export interface GraphTarget {
  /** `https://graph.facebook.com/v21.0` or a stand-in's. */
  baseUrl: string;
  accessToken: string;
  /** The provider's name in messages: "WhatsApp", "Messenger", "Instagram". */
  provider: string;
  /** Graph error codes that mean "slow down" whatever the HTTP status. */
  rateLimitCodes: ReadonlySet<number>;
}

/** What a person must do about the Graph error codes that are about the app, not the message. */
const advice: Record<number, string> = {
  190: "the access token is wrong, revoked or expired: make a new one in the Meta app and add the channel again",
  10: "the app lacks a permission for this (or the message is outside the allowed window): check the app's permissions in the Meta app",
  200: "the app lacks a permission for this: grant it (pages_messaging, instagram_manage_messages, pages_manage_engagement, instagram_manage_comments) in the Meta app",
};

/**
 * One Graph API call, the token sent as `Authorization: Bearer` (never in the
 * URL, which logs keep). Returns the body of a 2xx; otherwise throws
 * ChannelSendError from Meta's error body `{ error: { message, code } }`:
 * retryable for 429, 5xx and the rate-limit codes (with `Retry-After` when
 * given), with what to do for an expired token (190) or a missing permission
 * (10, 200), which waiting never fixes.
 */
export async function callGraph(
  target: GraphTarget,
  method: "GET" | "POST",
  path: string,
  json?: unknown,
): Promise<unknown> {
  const url = `${target.baseUrl.replace(/\/$/, "")}/${path}`;
  const answer = await callProvider(url, {
    method,
    headers: { authorization: `Bearer ${target.accessToken}` },
    ...(json === undefined ? {} : { json }),
  });
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  const error = ((answer.body ?? {}) as { error?: { message?: string; code?: number } }).error;
  const code = error?.code;
  const retryAfterMs = retryAfterHeader(answer.headers);
  const said = error?.message ?? String(answer.body).slice(0, 200);
  const todo = code !== undefined ? advice[code] : undefined;
  throw new ChannelSendError(
    `${target.provider} answered ${answer.status}${code ? ` (code ${code})` : ""}: ${said}${todo ? ` — ${todo}` : ""}`,
    {
      retryable: retryableStatus(answer.status) || target.rateLimitCodes.has(code ?? -1),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  );
}

/** A failed `check` in words a person can act on (the advice above, or `describeFailure`'s). */
export function graphCheckProblem(error: unknown, credential: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return /revoked or expired|lacks a permission/.test(message) ? message : describeFailure(error, credential);
}
