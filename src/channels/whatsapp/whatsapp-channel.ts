import { z } from "zod";
import type {
  Channel,
  ChannelCheck,
  InboundEvent,
  OutboundMessage,
  UnsupportedKind,
  WebhookRequest,
} from "../../spec/channel.js";
import { ValidationError } from "../../spec/errors.js";
import { callGraph, graphCheckProblem } from "../graph/call-graph.js";
import { answerHubHandshake, verifyHubSignature } from "../graph/hub-signature.js";
import { metaTime } from "../graph/meta-time.js";
import { toWhatsAppText } from "./whatsapp-format.js";

export const whatsappSettingsSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://graph.facebook.com/v21.0"),
  phoneNumberId: z.string().regex(/^\d{1,32}$/, "the phone number's id from WhatsApp Manager (digits)"),
});
export const whatsappSecretsSchema = z.strictObject({
  accessToken: z.string().min(10),
  /** The Meta app's secret: webhooks are signed with it (`X-Hub-Signature-256`). */
  appSecret: z.string().min(8),
  /** What Meta's subscription handshake must echo (`hub.verify_token`). */
  verifyToken: z.string().min(8).max(256),
});

const statusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(["sent", "delivered", "read", "failed"]),
  timestamp: z.string(),
  recipient_id: z.string(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});
const messageSchema = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
});
const notificationSchema = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({
            contacts: z
              .array(
                z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string() }).optional() }),
              )
              .optional(),
            messages: z.array(messageSchema).optional(),
            statuses: z.array(statusSchema).optional(),
          }),
        }),
      ),
    }),
  ),
});

const unsupportedTypes: Record<string, UnsupportedKind> = {
  sticker: "sticker",
  location: "location",
  reaction: "reaction",
  image: "image",
  audio: "audio",
  voice: "audio",
  video: "video",
  document: "document",
  contacts: "contact",
};

/** Graph error codes that mean "slow down" whatever the HTTP status (throughput and pair rate limits). */
const rateLimitCodes = new Set([4, 80007, 130429, 131056]);

/**
 * The WhatsApp Cloud API. Webhooks are signed: `X-Hub-Signature-256` is
 * `sha256=` and the HMAC-SHA256 of the raw body with the app secret. A
 * message's `wamid…` id deduplicates it; `statuses` report our messages'
 * delivery. Quick replies are reply buttons (at most 3, titles of 20
 * characters). Free-form messages may only be sent within 24 hours of the
 * customer's last message (`limits.customerServiceWindowMs`, enforced by the
 * sender, since only approved templates may be sent outside it).
 */
export class WhatsAppChannel implements Channel {
  readonly kind = "whatsapp" as const;
  readonly limits = {
    maxTextChars: 4096,
    maxQuickReplies: 3,
    maxQuickReplyChars: 20,
    sendsPerSecond: 20,
    customerServiceWindowMs: 24 * 60 * 60 * 1000,
  };
  readonly #settings: z.output<typeof whatsappSettingsSchema>;
  readonly #secrets: z.output<typeof whatsappSecretsSchema>;

  constructor(
    settings: z.output<typeof whatsappSettingsSchema>,
    secrets: z.output<typeof whatsappSecretsSchema>,
  ) {
    this.#settings = settings;
    this.#secrets = secrets;
  }

  verify(request: WebhookRequest): void {
    verifyHubSignature(request, this.#secrets.appSecret, "WhatsApp");
  }

  handshake(query: WebhookRequest["query"]): string {
    return answerHubHandshake(query, this.#secrets.verifyToken);
  }

  parse(rawBody: Buffer): InboundEvent[] {
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString("utf8"));
    } catch {
      throw notification("not JSON");
    }
    const parsed = notificationSchema.safeParse(json);
    if (!parsed.success) throw notification(parsed.error.message);
    const events: InboundEvent[] = [];
    for (const change of parsed.data.entry.flatMap((entry) => entry.changes)) {
      if (change.field !== "messages") continue;
      const names = new Map((change.value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const m of change.value.messages ?? []) {
        const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
        const text = m.text?.body ?? reply?.title ?? m.button?.text ?? "";
        const payload = reply?.id ?? m.button?.payload;
        const known = m.type === "text" || m.type === "interactive" || m.type === "button";
        const name = names.get(m.from);
        events.push({
          type: "message",
          providerMessageId: m.id,
          contactId: m.from,
          ...(name ? { contactName: name } : {}),
          sentAt: metaTime(Number(m.timestamp)),
          text: known ? text : "",
          ...(payload !== undefined ? { buttonPayload: payload } : {}),
          ...(known ? {} : { unsupported: unsupportedTypes[m.type] ?? "other" }),
        });
      }
      for (const s of change.value.statuses ?? []) {
        const error = s.errors?.map((e) => `${e.code ?? "?"} ${e.title ?? ""}`.trim()).join("; ");
        events.push({
          type: "status",
          // A message's statuses share its id: the status is part of what makes the event one.
          providerMessageId: `${s.id}:${s.status}`,
          contactId: s.recipient_id,
          status: s.status,
          sentAt: metaTime(Number(s.timestamp)),
          ...(error ? { error } : {}),
        });
      }
    }
    return events;
  }

  render(markdown: string): string {
    return toWhatsAppText(markdown);
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const base = { messaging_product: "whatsapp", recipient_type: "individual", to: message.contactId };
    const body = message.media
      ? {
          ...base,
          type: message.media.kind,
          [message.media.kind]: {
            link: message.media.url,
            ...(message.text ? { caption: message.text } : {}),
          },
        }
      : message.quickReplies?.length
        ? {
            ...base,
            type: "interactive",
            interactive: {
              type: "button",
              body: { text: message.text.slice(0, 1024) },
              action: {
                buttons: message.quickReplies.slice(0, 3).map((title, i) => ({
                  type: "reply",
                  reply: { id: `qr-${i}-${title.slice(0, 200)}`, title: title.slice(0, 20) },
                })),
              },
            },
          }
        : { ...base, type: "text", text: { body: message.text, preview_url: false } };
    const result = (await this.#call("POST", `${this.#settings.phoneNumberId}/messages`, body)) as {
      messages?: { id: string }[];
    };
    return { providerMessageId: result.messages?.[0]?.id ?? "" };
  }

  async markRead(providerMessageId: string): Promise<void> {
    await this.#call("POST", `${this.#settings.phoneNumberId}/messages`, {
      messaging_product: "whatsapp",
      status: "read",
      message_id: providerMessageId,
    }).catch(() => undefined);
  }

  async check(): Promise<ChannelCheck> {
    try {
      const number = (await this.#call(
        "GET",
        `${this.#settings.phoneNumberId}?fields=display_phone_number,verified_name`,
      )) as { display_phone_number?: string; verified_name?: string };
      return {
        ok: true,
        details: { phoneNumber: number.display_phone_number ?? "?", name: number.verified_name ?? "?" },
        problems: [],
      };
    } catch (error) {
      return {
        ok: false,
        details: {},
        problems: [graphCheckProblem(error, "the access token or phone number id")],
      };
    }
  }

  #call(method: "GET" | "POST", path: string, json?: unknown): Promise<unknown> {
    const { baseUrl } = this.#settings;
    const target = { baseUrl, accessToken: this.#secrets.accessToken, provider: "WhatsApp", rateLimitCodes };
    return callGraph(target, method, path, json);
  }
}

function notification(why: string): ValidationError {
  return new ValidationError(
    `the body is not a WhatsApp webhook notification: ${why}`,
    [{ path: [], message: why }],
    "WhatsApp posts `{ object: 'whatsapp_business_account', entry: [...] }`.",
  );
}
