/**
 * A stand-in for the WhatsApp Cloud API (Graph API), for tests:
 * `POST /<phone-number-id>/messages` with `Authorization: Bearer`, answered
 * `{ messaging_product, contacts, messages: [{ id: "wamid…" }] }`, or a Graph
 * error `{ error: { message, type, code, error_subcode, fbtrace_id } }`
 * (190 for a bad token, 100 for a bad parameter, 130429 with HTTP 429 and
 * `Retry-After` when rate limited), and `GET /<phone-number-id>?fields=…`.
 * It checks what the API checks and our code could get wrong: the token, the
 * phone number id, `messaging_product`, each type's fields, text sizes, at
 * most 3 reply buttons of 20 characters. `deliver` signs a notification
 * with the app secret (`X-Hub-Signature-256`) and posts it, as Meta does.
 */
import { createHmac } from "node:crypto";
import { type StandInAnswer, type StandInServer, startStandInServer } from "../stand-in-server.fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: a Graph API body as the provider reads it, checked field by field
type Body = any;

export interface WhatsAppStandIn extends StandInServer {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  /** The bodies of accepted message sends (read marks left out), in order. */
  sent(): Record<string, unknown>[];
  /** Signs `notification` with `secret` (default the app secret; null: no header) and posts it to `url`. */
  deliver(url: string, notification: unknown, secret?: string | null): Promise<Response>;
}

const graphError = (
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): StandInAnswer => ({
  status,
  body: {
    error: {
      message,
      type: code === 190 ? "OAuthException" : "GraphMethodException",
      code,
      error_subcode: 2494010,
      fbtrace_id: "AbCdEf",
    },
  },
  ...(headers ? { headers } : {}),
});

export async function startWhatsAppStandIn(): Promise<WhatsAppStandIn> {
  const phoneNumberId = "106540352242922";
  const accessToken = "EAAG-test-access-token";
  const appSecret = "app-secret-for-tests";
  const sends: Record<string, unknown>[] = [];
  let counter = 0;
  const base = await startStandInServer({
    failure: (f) =>
      f.status === 429
        ? graphError(429, 130429, "(#130429) Rate limit hit", {
            "retry-after": String(f.retryAfterSeconds ?? 1),
          })
        : graphError(f.status, 1, "An unknown error occurred"),
    handle(call) {
      if (call.headers.authorization !== `Bearer ${accessToken}`) {
        return graphError(401, 190, "Invalid OAuth access token - Cannot parse access token");
      }
      const url = new URL(call.url, "http://x");
      const [id, edge] = url.pathname.slice(1).split("/");
      if (id !== phoneNumberId)
        return graphError(400, 100, `Unsupported request - object with ID '${id}' does not exist`);
      if (call.method === "GET" && edge === undefined) {
        return {
          status: 200,
          body: { display_phone_number: "+34 600 11 22 33", verified_name: "Panadería La Espiga", id },
        };
      }
      if (call.method !== "POST" || edge !== "messages")
        return graphError(400, 100, "Unknown path components");
      const body = (call.body ?? {}) as Body;
      if (body.messaging_product !== "whatsapp")
        return graphError(400, 100, "The parameter messaging_product is required.");
      if (body.status === "read") return { status: 200, body: { success: true } };
      const problem = messageProblem(body);
      if (problem) return graphError(400, 100, `(#100) Invalid parameter: ${problem}`);
      sends.push(body);
      return {
        status: 200,
        body: {
          messaging_product: "whatsapp",
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: `wamid.OUT${++counter}` }],
        },
      };
    },
  });
  return Object.assign(base, {
    phoneNumberId,
    accessToken,
    appSecret,
    sent: () => sends,
    deliver(url: string, notification: unknown, secret?: string | null) {
      const raw = JSON.stringify(notification);
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

function messageProblem(body: Body): string | undefined {
  if (typeof body.to !== "string" || !/^\d{6,15}$/.test(body.to)) return "to";
  if (body.type === "text") {
    const text = body.text?.body;
    return typeof text !== "string" || text === "" || text.length > 4096 ? "text.body" : undefined;
  }
  if (body.type === "interactive") {
    const buttons = body.interactive?.action?.buttons;
    if (
      body.interactive?.type !== "button" ||
      !Array.isArray(buttons) ||
      buttons.length < 1 ||
      buttons.length > 3
    ) {
      return "interactive.action.buttons";
    }
    if (typeof body.interactive.body?.text !== "string" || body.interactive.body.text.length > 1024)
      return "interactive.body.text";
    return buttons.some(
      (b: Body) => typeof b.reply?.title !== "string" || b.reply.title.length > 20 || !b.reply.id,
    )
      ? "interactive.action.buttons.reply.title"
      : undefined;
  }
  if (body.type === "image" || body.type === "document") {
    return typeof body[body.type]?.link === "string" && /^https:\/\//.test(body[body.type].link)
      ? undefined
      : `${body.type}.link`;
  }
  return "type";
}

/** A notification carrying one customer message (text or any other type), as Meta posts it. */
export function whatsappNotification(
  phoneNumberId: string,
  message: { id: string; from: string; type: string; [field: string]: unknown },
  timestampSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA-1",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "34600112233", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: "Ana" }, wa_id: message.from }],
              messages: [{ timestamp: String(timestampSeconds), ...message }],
            },
          },
        ],
      },
    ],
  };
}
