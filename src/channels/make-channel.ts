import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { type Channel, type ChannelKind, channelKinds } from "../spec/channel.js";
import { ValidationError } from "../spec/errors.js";
import { EmailChannel } from "./email/email-channel.js";
import { emailSecretsSchema, emailSettingsSchema } from "./email/email-settings.js";
import { InstagramChannel, instagramSettingsSchema } from "./instagram/instagram-channel.js";
import {
  MessengerChannel,
  messengerSettingsSchema,
  metaMessagingSecretsSchema,
} from "./messenger/messenger-channel.js";
import {
  TelegramChannel,
  telegramSecretsSchema,
  telegramSettingsSchema,
} from "./telegram/telegram-channel.js";
import {
  WhatsAppChannel,
  whatsappSecretsSchema,
  whatsappSettingsSchema,
} from "./whatsapp/whatsapp-channel.js";

/** Per kind: its settings and secrets, validated, and the secrets made up when not given. */
const kinds = {
  telegram: {
    settings: telegramSettingsSchema,
    secrets: telegramSecretsSchema,
    generated: { webhookSecret: () => randomBytes(32).toString("base64url") },
    make: (settings: unknown, secrets: unknown) =>
      new TelegramChannel(telegramSettingsSchema.parse(settings), telegramSecretsSchema.parse(secrets)),
  },
  whatsapp: {
    settings: whatsappSettingsSchema,
    secrets: whatsappSecretsSchema,
    generated: { verifyToken: () => randomBytes(24).toString("base64url") },
    make: (settings: unknown, secrets: unknown) =>
      new WhatsAppChannel(whatsappSettingsSchema.parse(settings), whatsappSecretsSchema.parse(secrets)),
  },
  messenger: {
    settings: messengerSettingsSchema,
    secrets: metaMessagingSecretsSchema,
    generated: { verifyToken: () => randomBytes(24).toString("base64url") },
    make: (settings: unknown, secrets: unknown) =>
      new MessengerChannel(
        messengerSettingsSchema.parse(settings),
        metaMessagingSecretsSchema.parse(secrets),
      ),
  },
  instagram: {
    settings: instagramSettingsSchema,
    secrets: metaMessagingSecretsSchema,
    generated: { verifyToken: () => randomBytes(24).toString("base64url") },
    make: (settings: unknown, secrets: unknown) =>
      new InstagramChannel(
        instagramSettingsSchema.parse(settings),
        metaMessagingSecretsSchema.parse(secrets),
      ),
  },
  email: {
    settings: emailSettingsSchema,
    secrets: emailSecretsSchema,
    generated: {},
    make: (settings: unknown, secrets: unknown) =>
      new EmailChannel(emailSettingsSchema.parse(settings), emailSecretsSchema.parse(secrets)),
  },
} as const;

export function isChannelKind(kind: string): kind is ChannelKind {
  return (channelKinds as readonly string[]).includes(kind);
}

/**
 * A new channel's settings and secrets, validated (ValidationError with the
 * field at fault under `settings.` or `secrets.`), with the secrets the server
 * chooses itself (Telegram's webhook secret, WhatsApp's verify token) made up
 * when not given.
 */
export function validateChannelInput(
  kind: ChannelKind,
  settings: unknown,
  secrets: Record<string, unknown>,
): { settings: Record<string, string>; secrets: Record<string, string> } {
  const spec = kinds[kind];
  const filled: Record<string, unknown> = { ...secrets };
  for (const [name, make] of Object.entries(spec.generated)) filled[name] ??= make();
  return {
    settings: parse(spec.settings, settings ?? {}, "settings", kind),
    secrets: parse(spec.secrets, filled, "secrets", kind),
  };
}

/** The channel of a stored, validated configuration. */
export function makeChannel(kind: ChannelKind, settings: unknown, secrets: unknown): Channel {
  return kinds[kind].make(settings, secrets);
}

function parse(schema: z.ZodType, value: unknown, field: string, kind: string): Record<string, string> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as Record<string, string>;
  const issues = result.error.issues.map((issue) => ({
    path: [field, ...issue.path.map(String)],
    message: issue.message,
  }));
  throw new ValidationError(
    `a ${kind} channel's ${field} are not valid: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    issues,
    kind === "telegram"
      ? "Telegram needs secrets.botToken (from @BotFather); settings.baseUrl only for a stand-in."
      : kind === "email"
        ? "E-mail needs settings.address, imapHost and smtpHost, and secrets.imapPassword (secrets.smtpPassword when it differs)."
        : kind === "messenger" || kind === "instagram"
          ? `${kind === "messenger" ? "Messenger needs settings.pageId" : "Instagram needs settings.accountId"} and secrets.accessToken (the Page access token) and secrets.appSecret (from the Meta app); settings.commentReplies is off or on.`
          : "WhatsApp needs settings.phoneNumberId and secrets.accessToken and secrets.appSecret (from the Meta app).",
  );
}
