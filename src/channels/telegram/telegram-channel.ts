import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type {
  Channel,
  ChannelCheck,
  InboundEvent,
  OutboundMessage,
  UnsupportedKind,
  WebhookRequest,
} from "../../spec/channel.js";
import { ChannelSendError, ChannelSignatureError } from "../../spec/channel-errors.js";
import { ValidationError } from "../../spec/errors.js";
import { callProvider, describeFailure, retryableStatus } from "../provider-call.js";
import { toTelegramMarkdown } from "./telegram-markdown.js";

export const telegramSettingsSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
});
export const telegramSecretsSchema = z.strictObject({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "a bot token from @BotFather, like 123456:ABC-…"),
  /** What Telegram sends back in `X-Telegram-Bot-Api-Secret-Token` (1–256 of A-Z a-z 0-9 _ -). */
  webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/),
});

const updateSchema = z.looseObject({
  update_id: z.number().int(),
  message: z
    .looseObject({
      message_id: z.number(),
      date: z.number(),
      chat: z.looseObject({ id: z.number() }),
      from: z.looseObject({ first_name: z.string().optional() }).optional(),
      text: z.string().optional(),
      caption: z.string().optional(),
    })
    .optional(),
  callback_query: z
    .looseObject({
      id: z.string(),
      data: z.string().optional(),
      from: z.looseObject({ id: z.number(), first_name: z.string().optional() }),
      message: z.looseObject({ chat: z.looseObject({ id: z.number() }), date: z.number() }).optional(),
    })
    .optional(),
});

const unsupportedFields: [string, UnsupportedKind][] = [
  ["sticker", "sticker"],
  ["location", "location"],
  ["venue", "location"],
  ["photo", "image"],
  ["voice", "audio"],
  ["audio", "audio"],
  ["video", "video"],
  ["video_note", "video"],
  ["document", "document"],
  ["contact", "contact"],
];

/**
 * The Telegram Bot API. Webhooks carry the secret token given to `setWebhook`
 * in `X-Telegram-Bot-Api-Secret-Token`; an update's `update_id` is its id for
 * deduplication. Quick replies are an inline keyboard whose buttons send
 * their title back as `callback_data` (at most 64 bytes).
 */
export class TelegramChannel implements Channel {
  readonly kind = "telegram" as const;
  readonly limits = { maxTextChars: 4096, maxQuickReplies: 8, maxQuickReplyChars: 64, sendsPerSecond: 25 };
  readonly #settings: z.output<typeof telegramSettingsSchema>;
  readonly #secrets: z.output<typeof telegramSecretsSchema>;

  constructor(
    settings: z.output<typeof telegramSettingsSchema>,
    secrets: z.output<typeof telegramSecretsSchema>,
  ) {
    this.#settings = settings;
    this.#secrets = secrets;
  }

  verify(request: WebhookRequest): void {
    const sent = request.headers["x-telegram-bot-api-secret-token"];
    const expected = Buffer.from(this.#secrets.webhookSecret);
    const given = Buffer.from(typeof sent === "string" ? sent : "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChannelSignatureError(
        sent === undefined
          ? "the Telegram webhook has no X-Telegram-Bot-Api-Secret-Token header"
          : "the Telegram webhook's X-Telegram-Bot-Api-Secret-Token is not this channel's",
      );
    }
  }

  parse(rawBody: Buffer): InboundEvent[] {
    const update = updateSchema.safeParse(parseJson(rawBody));
    if (!update.success) throw notAnUpdate(update.error.message);
    const { update_id, message, callback_query } = update.data;
    const providerMessageId = String(update_id);
    if (callback_query?.message) {
      return [
        {
          type: "message",
          providerMessageId,
          contactId: String(callback_query.message.chat.id),
          ...(callback_query.from.first_name ? { contactName: callback_query.from.first_name } : {}),
          sentAt: new Date().toISOString(),
          text: callback_query.data ?? "",
          buttonPayload: callback_query.data ?? "",
        },
      ];
    }
    if (!message) return []; // edits, channel posts, polls…: not a customer's message
    const unsupported =
      message.text === undefined ? unsupportedFields.find(([field]) => field in message)?.[1] : undefined;
    return [
      {
        type: "message",
        providerMessageId,
        contactId: String(message.chat.id),
        ...(message.from?.first_name ? { contactName: message.from.first_name } : {}),
        sentAt: new Date(message.date * 1000).toISOString(),
        text: message.text ?? message.caption ?? "",
        ...(message.text === undefined ? { unsupported: unsupported ?? "other" } : {}),
      },
    ];
  }

  render(markdown: string): string {
    return toTelegramMarkdown(markdown);
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const keyboard = message.quickReplies?.length
      ? {
          reply_markup: {
            inline_keyboard: message.quickReplies
              .slice(0, this.limits.maxQuickReplies)
              .map((title) => [{ text: title, callback_data: truncateBytes(title, 64) }]),
          },
        }
      : {};
    const result = message.media
      ? await this.#call(message.media.kind === "image" ? "sendPhoto" : "sendDocument", {
          chat_id: message.contactId,
          [message.media.kind === "image" ? "photo" : "document"]: message.media.url,
          ...(message.text ? { caption: message.text, parse_mode: "MarkdownV2" } : {}),
          ...keyboard,
        })
      : await this.#call("sendMessage", {
          chat_id: message.contactId,
          text: message.text,
          parse_mode: "MarkdownV2",
          link_preview_options: { is_disabled: true },
          ...keyboard,
        });
    return { providerMessageId: String((result as { message_id?: number }).message_id ?? "") };
  }

  async typing(contactId: string): Promise<void> {
    await this.#call("sendChatAction", { chat_id: contactId, action: "typing" }).catch(() => undefined);
  }

  async check(): Promise<ChannelCheck> {
    try {
      const me = (await this.#call("getMe", {})) as { username?: string; is_bot?: boolean };
      return { ok: true, details: { bot: `@${me.username ?? "?"}` }, problems: [] };
    } catch (error) {
      return { ok: false, details: {}, problems: [describeFailure(error, "the bot token")] };
    }
  }

  async connect(webhookUrl: string): Promise<void> {
    await this.#call("setWebhook", {
      url: webhookUrl,
      secret_token: this.#secrets.webhookSecret,
      allowed_updates: ["message", "callback_query"],
    });
  }

  /** `result` of a Bot API method; ChannelSendError with Telegram's description otherwise. */
  async #call(method: string, params: Record<string, unknown>): Promise<unknown> {
    const url = `${this.#settings.baseUrl.replace(/\/$/, "")}/bot${this.#secrets.botToken}/${method}`;
    const answer = await callProvider(url, { method: "POST", json: params });
    const body = (answer.body ?? {}) as {
      ok?: boolean;
      result?: unknown;
      description?: string;
      error_code?: number;
      parameters?: { retry_after?: number };
    };
    if (answer.status === 200 && body.ok === true) return body.result;
    const retryAfter = body.parameters?.retry_after;
    throw new ChannelSendError(
      `Telegram ${method} answered ${answer.status}: ${body.description ?? String(answer.body).slice(0, 200)}`,
      {
        retryable: retryableStatus(answer.status),
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
      },
    );
  }
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw notAnUpdate("not JSON");
  }
}

function notAnUpdate(why: string): ValidationError {
  return new ValidationError(
    `the body is not a Telegram update: ${why}`,
    [{ path: [], message: why }],
    "Telegram posts one Update object per webhook call.",
  );
}

function truncateBytes(text: string, max: number): string {
  let out = text;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}
