import { z } from "zod";

const graphBaseUrl = z.url({ protocol: /^https?$/ }).default("https://graph.facebook.com/v21.0");

/**
 * Comment mode: `on` answers public comments on the account's own posts with
 * a public reply (its own guardrails, see `comment-answer.ts`). Off unless
 * chosen: a public reply is public.
 */
const commentReplies = z.enum(["off", "on"]).default("off");

export const messengerSettingsSchema = z.strictObject({
  baseUrl: graphBaseUrl,
  pageId: z
    .string()
    .regex(/^\d{1,32}$/, "the Facebook Page's id (digits), from the Page's About or the Meta app"),
  commentReplies,
});

export const instagramSettingsSchema = z.strictObject({
  baseUrl: graphBaseUrl,
  accountId: z
    .string()
    .regex(
      /^\d{1,32}$/,
      "the Instagram professional account's id (digits), from the Meta app's Instagram settings",
    ),
  commentReplies,
});

/** Messenger's and Instagram's secrets: the same Meta app family as WhatsApp's. */
export const metaMessagingSecretsSchema = z.strictObject({
  /** The Page access token (Instagram: the token of the Page linked to the account). */
  accessToken: z.string().min(10),
  /** The Meta app's secret: webhooks are signed with it (`X-Hub-Signature-256`). */
  appSecret: z.string().min(8),
  /** What Meta's subscription handshake must echo (`hub.verify_token`). */
  verifyToken: z.string().min(8).max(256),
});

export type MessengerSettings = z.output<typeof messengerSettingsSchema>;
export type InstagramSettings = z.output<typeof instagramSettingsSchema>;
export type MetaMessagingSecrets = z.output<typeof metaMessagingSecretsSchema>;
