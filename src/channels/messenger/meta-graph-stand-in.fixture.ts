/**
 * A stand-in for the Messenger Platform and Instagram Messaging (Graph API),
 * for tests, from Meta's documented wire format: `POST /me/messages` with
 * `Authorization: Bearer <Page access token>`, a `recipient` (`{ id }` with
 * `messaging_type`, or `{ comment_id }`: a private reply, one per comment)
 * and either a `message` (text within the size rule, or an attachment by
 * https URL, never both; up to 13 text quick replies of 20 characters) or a
 * `sender_action`, answered `{ recipient_id, message_id }`; public replies to
 * comments on `POST /{comment-id}/replies` (Instagram) or `/comments`
 * (Facebook), answered `{ id }`; `GET /{account-id}?fields=…`. Errors are
 * Graph's `{ error: { message, type, code, error_subcode, fbtrace_id } }`: 190
 * for a bad token (401), 100 for a bad parameter, 10 for a closed window
 * (2018278), 613 with HTTP 429 and `Retry-After` when rate limited. `deliver`
 * signs an event with the app secret (`X-Hub-Signature-256`) and posts it.
 */
import { createHmac } from "node:crypto";
import { type StandInAnswer, type StandInServer, startStandInServer } from "../stand-in-server.fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: a Graph API body as the provider reads it, checked field by field
type Body = any;

export interface MetaGraphStandIn extends StandInServer {
  kind: "messenger" | "instagram";
  /** The Page's id (Messenger) or the Instagram account's id. */
  accountId: string;
  accessToken: string;
  appSecret: string;
  /** Accepted `me/messages` message sends (sender actions left out), in order. */
  sent(): Body[];
  /** Accepted sender actions, as `{ recipient, sender_action }`. */
  actions(): Body[];
  /** Accepted public comment replies, as `{ commentId, message }`. */
  replies(): { commentId: string; message: string }[];
  /** The next `count` calls answer this Graph error (Meta's rate limits often come as HTTP 400). */
  graphErrorNext(
    count: number,
    error: { status: number; code: number; message: string; subcode?: number },
  ): void;
  /** Messages to `contactId` are refused as outside the 24-hour window (code 10, subcode 2018278). */
  closeWindow(contactId: string): void;
  /** Signs `event` with `secret` (default the app secret; null: no header) and posts it to `url`. */
  deliver(url: string, event: unknown, secret?: string | null): Promise<Response>;
}

export const graphError = (
  status: number,
  code: number,
  message: string,
  options: { subcode?: number; headers?: Record<string, string> } = {},
): StandInAnswer => ({
  status,
  body: {
    error: {
      message,
      type: code === 190 ? "OAuthException" : "GraphMethodException",
      code,
      ...(options.subcode ? { error_subcode: options.subcode } : {}),
      fbtrace_id: "AbCdEf",
    },
  },
  ...(options.headers ? { headers: options.headers } : {}),
});

export async function startMetaGraphStandIn(kind: "messenger" | "instagram"): Promise<MetaGraphStandIn> {
  const accountId = kind === "messenger" ? "104729360113911" : "17841400008460056";
  const accessToken = "EAAG-page-access-token";
  const appSecret = "meta-app-secret-for-tests";
  const maxText = kind === "messenger" ? 2000 : 1000;
  const replyEdge = kind === "messenger" ? "comments" : "replies";
  const sends: Body[] = [];
  const actions: Body[] = [];
  const replies: { commentId: string; message: string }[] = [];
  const privatelyAnswered = new Set<string>();
  const closed = new Set<string>();
  const injected: {
    count: number;
    error: { status: number; code: number; message: string; subcode?: number };
  }[] = [];
  let counter = 0;
  const base = await startStandInServer({
    failure: (f) =>
      f.status === 429
        ? graphError(429, 613, "(#613) Calls to this api have exceeded the rate limit.", {
            headers: { "retry-after": String(f.retryAfterSeconds ?? 1) },
          })
        : graphError(f.status, 2, "An unexpected error has occurred. Please retry your request later."),
    handle(call) {
      const next = injected.find((i) => i.count > 0);
      if (next) {
        next.count--;
        const { status, code, message, subcode } = next.error;
        return graphError(status, code, message, subcode ? { subcode } : {});
      }
      if (call.headers.authorization !== `Bearer ${accessToken}`) {
        return graphError(401, 190, "Invalid OAuth access token - Cannot parse access token", {
          headers: { "www-authenticate": 'OAuth "Facebook Platform" "invalid_token"' },
        });
      }
      const url = new URL(call.url, "http://x");
      const [id, edge] = url.pathname.slice(1).split("/");
      const body = (call.body ?? {}) as Body;
      if (call.method === "GET" && id === accountId && edge === undefined) {
        return {
          status: 200,
          body:
            kind === "messenger"
              ? { id, name: "Panadería La Espiga" }
              : { id, username: "laespiga", name: "Panadería La Espiga" },
        };
      }
      if (call.method === "POST" && id === "me" && edge === "messages") return messages(body);
      if (call.method === "POST" && id && edge === replyEdge) {
        if (typeof body.message !== "string" || body.message.trim() === "" || body.message.length > 2200)
          return graphError(400, 100, "(#100) The parameter message is required");
        replies.push({ commentId: id, message: body.message });
        return { status: 200, body: { id: `${id}_reply${++counter}` } };
      }
      return graphError(
        400,
        100,
        `Unsupported ${call.method} request. Object with ID '${id}' does not exist`,
        {
          subcode: 33,
        },
      );
    },
  });

  function messages(body: Body): StandInAnswer {
    const recipient = body.recipient ?? {};
    if (typeof recipient.id !== "string" && typeof recipient.comment_id !== "string")
      return graphError(400, 100, "(#100) The parameter recipient is required");
    if (typeof recipient.id === "string") {
      if (!/^\d{5,32}$/.test(recipient.id))
        return graphError(400, 100, "(#100) No matching user found", { subcode: 2018001 });
      if (body.sender_action !== undefined) {
        if (
          !["typing_on", "typing_off", "mark_seen"].includes(body.sender_action) ||
          body.message !== undefined
        )
          return graphError(
            400,
            100,
            "(#100) Param sender_action must be one of {MARK_SEEN, TYPING_ON, TYPING_OFF}",
          );
        actions.push(body);
        return { status: 200, body: { recipient_id: recipient.id } };
      }
      if (!["RESPONSE", "UPDATE", "MESSAGE_TAG"].includes(body.messaging_type))
        return graphError(400, 100, "(#100) The parameter messaging_type is required");
      if (closed.has(recipient.id))
        return graphError(400, 10, "(#10) This message is sent outside of allowed window.", {
          subcode: 2018278,
        });
    } else if (privatelyAnswered.has(recipient.comment_id)) {
      return graphError(400, 10, "(#10) This comment already has a private reply.", { subcode: 2018281 });
    }
    const problem = messageProblem(body.message, maxText);
    if (problem) return graphError(400, 100, `(#100) ${problem}`);
    if (typeof recipient.comment_id === "string") privatelyAnswered.add(recipient.comment_id);
    sends.push(body);
    return {
      status: 200,
      body: { recipient_id: recipient.id ?? "7700000000000001", message_id: `m_OUT${++counter}` },
    };
  }

  return Object.assign(base, {
    kind,
    accountId,
    accessToken,
    appSecret,
    sent: () => sends,
    actions: () => actions,
    replies: () => replies,
    graphErrorNext(
      count: number,
      error: { status: number; code: number; message: string; subcode?: number },
    ) {
      injected.push({ count, error });
    },
    closeWindow(contactId: string) {
      closed.add(contactId);
    },
    deliver(url: string, event: unknown, secret?: string | null) {
      const raw = JSON.stringify(event);
      const key = secret === undefined ? appSecret : secret;
      return fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(key === null
            ? {}
            : { "x-hub-signature-256": `sha256=${createHmac("sha256", key).update(raw).digest("hex")}` }),
        },
        body: raw,
      });
    },
  });
}

function messageProblem(message: Body, maxText: number): string | undefined {
  if (typeof message !== "object" || message === null) return "The parameter message is required";
  if (message.text !== undefined && message.attachment !== undefined)
    return "Only one of text or attachment may be set";
  if (message.attachment !== undefined) {
    const { type, payload } = message.attachment;
    if (!["image", "video", "audio", "file"].includes(type)) return "Invalid attachment type";
    return typeof payload?.url === "string" && /^https:\/\//.test(payload.url)
      ? undefined
      : "Invalid attachment url";
  }
  if (typeof message.text !== "string" || message.text === "")
    return "The parameter message[text] is required";
  if (message.text.length > maxText)
    return `Length of param message[text] must be less than or equal to ${maxText}`;
  const replies = message.quick_replies;
  if (replies === undefined) return undefined;
  if (!Array.isArray(replies) || replies.length < 1 || replies.length > 13)
    return "param message[quick_replies] must have between 1 and 13 elements";
  return replies.some(
    (r: Body) =>
      r.content_type !== "text" ||
      typeof r.title !== "string" ||
      r.title === "" ||
      r.title.length > 20 ||
      typeof r.payload !== "string" ||
      r.payload.length > 1000,
  )
    ? "Invalid quick_replies: each needs content_type text, a title of at most 20 characters and a payload"
    : undefined;
}
