/**
 * The channel contract: a messaging provider (Telegram, WhatsApp…) through
 * which customers reach an agent. An implementation lives in
 * `src/channels/<kind>/`, is made by a factory from its settings and secrets,
 * and passes `src/channels/channel.conformance.ts` against a stand-in of its
 * provider. Types only: no I/O here.
 *
 * The flow it serves: the webhook's raw body is `verify`-ed (before anything
 * is parsed or stored), `parse`-d into `InboundEvent`s, each deduplicated by
 * its `providerMessageId` and queued in the store; a worker runs the agent's
 * turn and queues the answer, `render`-ed for the channel; another worker
 * `send`s it, retrying what the provider says may be retried.
 */
import type { Conversation, Message } from "./store.js";

export const channelKinds = ["telegram", "whatsapp", "messenger", "instagram", "email"] as const;
export type ChannelKind = (typeof channelKinds)[number];

/** A webhook call as it arrived: the body unparsed, since signatures cover its exact bytes. */
export interface WebhookRequest {
  method: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
}

/** What a customer sent that is not text: the agent is told what arrived, in words. */
export type UnsupportedKind =
  | "sticker"
  | "location"
  | "reaction"
  | "image"
  | "audio"
  | "video"
  | "document"
  | "contact"
  | "other";

export interface InboundMessage {
  type: "message";
  /** The provider's id of this message (Telegram: `update_id`; WhatsApp: `wamid…`): redeliveries share it. */
  providerMessageId: string;
  /** The customer in this channel: a Telegram chat id, a WhatsApp phone number (wa_id), an e-mail address (lower case). */
  contactId: string;
  contactName?: string;
  /** When the customer sent it (ISO-8601 UTC), from the provider. */
  sentAt: string;
  /** The customer's words; for a button, its title; for `unsupported`, empty. */
  text: string;
  /** A quick reply or button pressed: its payload, as sent with `OutboundMessage.quickReplies`. */
  buttonPayload?: string;
  /** Set when the message was not text (a sticker, a location…): the agent is told what it was. */
  unsupported?: UnsupportedKind;
  /** A comment's author (comment mode: the contact is the comment), whom the visitor rate counts. */
  commenterId?: string;
}

/** A delivery report of a message we sent (WhatsApp `statuses`). */
export interface InboundStatus {
  type: "status";
  providerMessageId: string;
  contactId: string;
  status: "sent" | "delivered" | "read" | "failed";
  sentAt: string;
  error?: string;
}

export type InboundEvent = InboundMessage | InboundStatus;

export interface OutboundMessage {
  contactId: string;
  /** Already rendered for the channel (`Channel.render`), at most `limits.maxTextChars`. */
  text: string;
  /** Up to `limits.maxQuickReplies` short answers the customer can tap (Telegram inline keyboard, WhatsApp buttons). */
  quickReplies?: string[];
  /** A picture or file by its public https URL; `text` becomes its caption. */
  media?: { url: string; kind: "image" | "document" };
  /** To a comment's contact (`commentContactId`): a private message to its author instead of a public reply. */
  privately?: boolean;
}

export interface ChannelLimits {
  /** Longest text one message may carry, in characters; longer answers are split. */
  maxTextChars: number;
  maxQuickReplies: number;
  /** Longest quick-reply title, in characters. */
  maxQuickReplyChars: number;
  /** Messages per second the provider accepts from one sender, which the sender keeps below. */
  sendsPerSecond: number;
  /** After the customer's last message, how long free-form messages may be sent (WhatsApp: 24 h); none when absent. */
  customerServiceWindowMs?: number;
}

/** What `check` found: `ok` with what the provider said, or the problems, each saying how to fix it. */
export interface ChannelCheck {
  ok: boolean;
  /** e.g. `{ bot: "@espiga_bot" }` or `{ phoneNumber: "+34 600 000 000" }`. */
  details: Record<string, string>;
  problems: string[];
}

export interface Channel {
  readonly kind: ChannelKind;
  readonly limits: ChannelLimits;
  /** Throws `ChannelSignatureError` unless the request was signed with this channel's secret. */
  verify(request: WebhookRequest): void;
  /**
   * A provider's subscription handshake (WhatsApp's `GET ?hub.mode=subscribe`):
   * the body to answer, or throws `ChannelSignatureError` for a wrong token.
   * Undefined for providers that have none.
   */
  handshake?(query: WebhookRequest["query"]): string;
  /** The events in a verified body; an event of a kind the channel does not know is left out. Throws ValidationError for a body that is not the provider's. */
  parse(rawBody: Buffer): InboundEvent[];
  /** An answer written in Markdown, as the channel shows formatted text (escaped where the provider needs it). */
  render(markdown: string): string;
  /** Sends one message. Throws `ChannelSendError` (its `retryable` and `retryAfterMs` say whether and when to retry). */
  send(message: OutboundMessage): Promise<{ providerMessageId: string }>;
  /** Shows "typing…" to the customer, where the provider has it. Best effort. */
  typing?(contactId: string): Promise<void>;
  /** Marks a customer's message read, where the provider has it. Best effort. */
  markRead?(providerMessageId: string): Promise<void>;
  /** Checks the credentials against the provider (Telegram `getMe`, WhatsApp's phone number), never throwing. */
  check(): Promise<ChannelCheck>;
  /** Tells the provider where to deliver (Telegram `setWebhook` with the secret token); absent where it is set in the provider's console. */
  connect?(webhookUrl: string): Promise<void>;
  /**
   * Pull-style inbound, for a provider that has no webhook (e-mail: IMAP IDLE
   * with polling). Present only on such channels, whose `verify` then always
   * throws ChannelSignatureError (nothing may be posted to them). Starts
   * reading what arrived after `since` and hands each event to `deliver`,
   * which resolves once it is stored (queued, deduplicated by its
   * `providerMessageId`): only then is it marked read at the provider, so a
   * crash in between means a redelivery, never a loss. Reconnects by itself
   * until `close()`; failures go to `onError`, never thrown.
   */
  watch?(options: {
    since: Date;
    deliver(events: InboundEvent[]): Promise<void>;
    onError(error: unknown): void;
  }): ChannelWatch;
}

/** A running `Channel.watch`: `close()` stops reading and ends its connections. */
export interface ChannelWatch {
  close(): Promise<void>;
}

/**
 * What the human desk calls around a person's reply to a conversation that
 * came through a channel: `beforeReply` refuses what cannot be delivered
 * (WhatsApp's closed 24-hour window: `ChannelWindowClosedError`, saying why),
 * `afterReply` queues the stored reply for the customer's channel.
 * Conversations from elsewhere (the widget, `/v1`) pass through untouched.
 */
export interface StaffReplyRelay {
  beforeReply(conversation: Conversation): Promise<void>;
  afterReply(conversation: Conversation, message: Message): Promise<void>;
}

/** The conversation key of a channel's contact: `channel:<channel id>:<contact id>`. */
export function channelExternalUserId(channelId: string, contactId: string): string {
  return `channel:${channelId}:${contactId}`;
}

/** The channel id and contact of a conversation key made by `channelExternalUserId`; undefined for any other. */
export function parseChannelExternalUserId(
  externalUserId: string,
): { channelId: string; contactId: string } | undefined {
  const match = /^channel:([^:]+):(.+)$/.exec(externalUserId);
  return match ? { channelId: match[1]!, contactId: match[2]! } : undefined;
}

/**
 * Comment mode (Messenger, Instagram): the contact of a public comment on the
 * account's own post is `comment:<comment id>`, so each comment is its own
 * conversation, apart from the author's private messages. A message to it is
 * a public reply under the comment (or, with `privately`, a private reply to
 * its author).
 */
export function commentContactId(commentId: string): string {
  return `comment:${commentId}`;
}

/** The comment id of a contact made by `commentContactId`; undefined for any other contact. */
export function parseCommentContactId(contactId: string): string | undefined {
  return contactId.startsWith("comment:") ? contactId.slice("comment:".length) : undefined;
}
