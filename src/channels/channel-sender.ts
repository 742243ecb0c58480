import type { Channel } from "../spec/channel.js";
import { ChannelSendError } from "../spec/channel-errors.js";
import { AlambiqueError } from "../spec/errors.js";
import type { ChannelOutboundRow, Store } from "../spec/store.js";
import type { ChannelHealth } from "./channel-health.js";
import { assertWindowOpen } from "./customer-service-window.js";
import { LastCustomerMessages } from "./last-customer-messages.js";
import type { OpenedChannels } from "./opened-channels.js";

/** A queued message: Markdown within the channel's size, rendered for the channel when it is sent. */
export interface OutboundPayload {
  conversationId: string;
  contactId: string;
  markdown: string;
  quickReplies?: string[];
  media?: { url: string; kind: "image" | "document" };
  /** To a comment's contact: a private reply to its author (comment mode), not a public one. */
  privately?: boolean;
  /** `agent`: an answer; `staff`: a person's reply from the desk. */
  origin: "agent" | "staff";
}

export interface SenderOptions {
  /** First retry's delay in ms, doubled each attempt (±20 % jitter), capped at `maxBackoffMs`. Default 2000. */
  backoffBaseMs?: number;
  /** Default 5 minutes. */
  maxBackoffMs?: number;
  /** Attempts before a message is given up (status `failed`). Default 8. */
  maxAttempts?: number;
  now?: () => Date;
  /** Told each send's outcome (for `/readyz` and `/metrics`). */
  health?: ChannelHealth;
}

/**
 * Sends queued messages: the window is checked again (a staff reply may have
 * waited), the Markdown rendered and split to the channel's size, sends
 * spaced to its rate, and a retryable failure (429, 5xx, network) put back
 * with exponential backoff, or the provider's own wait when it gave one.
 * Each row is one message within the channel's size (`queueOutbound` splits),
 * so a retry never sends a part twice. Per row it reads the channel's record
 * (a removed channel fails the row) and the conversation's messages added
 * since its last send (the window); the opened channel is kept (in
 * `channels`, shared with the turns) while its record is unchanged.
 */
export class ChannelSender {
  /** When each channel may send next (ms since epoch): its rate limit, or a provider's 429 wait. */
  readonly #nextFree = new Map<string, number>();
  readonly #options: Required<Omit<SenderOptions, "now" | "health">>;
  readonly #now: () => Date;
  readonly #channels: OpenedChannels;
  readonly #customers: LastCustomerMessages;

  constructor(
    private readonly store: Store,
    channels: OpenedChannels,
    private readonly options: SenderOptions = {},
  ) {
    this.#channels = channels;
    this.#customers = new LastCustomerMessages(store);
    this.#options = {
      backoffBaseMs: options.backoffBaseMs ?? 2000,
      maxBackoffMs: options.maxBackoffMs ?? 300_000,
      maxAttempts: options.maxAttempts ?? 8,
    };
    this.#now = options.now ?? (() => new Date());
  }

  /** Sends one claimed row and settles it; never throws (a failure is recorded on the row). */
  async send(row: ChannelOutboundRow): Promise<ChannelOutboundRow> {
    const payload = row.payload as unknown as OutboundPayload;
    let kind: string | undefined;
    try {
      const record = await this.store.channels.find(row.channelId);
      if (!record) {
        this.#channels.forget(row.channelId);
        return await this.store.channels.settleOutbound(row.id, { failed: "the channel was removed" });
      }
      const channel = this.#channels.open(record);
      kind = record.kind;
      await assertWindowOpen(this.store, channel, payload.conversationId, this.#now(), this.#customers);
      await this.#waitTurn(row.channelId, channel);
      const sent = await channel.send({
        contactId: payload.contactId,
        text: channel.render(payload.markdown),
        ...(payload.quickReplies?.length ? { quickReplies: payload.quickReplies } : {}),
        ...(payload.media ? { media: payload.media } : {}),
        ...(payload.privately ? { privately: true } : {}),
      });
      this.options.health?.recordSend(row.channelId, record.kind, "sent");
      const providerId = sent.providerMessageId;
      return await this.store.channels.settleOutbound(row.id, { sent: providerId });
    } catch (error) {
      // Only the provider's refusals count against it: a closed window or a removed channel is not an outage.
      if (kind !== undefined && ChannelSendError.isInstance(error)) {
        this.options.health?.recordSend(row.channelId, kind, "failed");
      }
      return this.#settleFailure(row, error);
    }
  }

  async #settleFailure(row: ChannelOutboundRow, error: unknown): Promise<ChannelOutboundRow> {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = ChannelSendError.isInstance(error)
      ? error.retryable
      : !AlambiqueError.isInstance(error) || error.retryable;
    if (!retryable || row.attempts >= this.#options.maxAttempts) {
      return this.store.channels.settleOutbound(row.id, { failed: message });
    }
    const backoff = Math.min(
      this.#options.maxBackoffMs,
      this.#options.backoffBaseMs * 2 ** (row.attempts - 1),
    );
    const wait =
      ChannelSendError.isInstance(error) && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
    const delay = Math.max(wait, backoff * (0.8 + Math.random() * 0.4));
    if (wait > 0) this.#nextFree.set(row.channelId, Date.now() + wait);
    return this.store.channels.settleOutbound(row.id, {
      retryAt: new Date(this.#now().getTime() + delay).toISOString(),
      error: message,
    });
  }

  /** Keeps sends to one channel `1 / sendsPerSecond` apart (in this process). */
  async #waitTurn(channelId: string, channel: Channel): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.#nextFree.get(channelId) ?? 0);
    this.#nextFree.set(channelId, at + 1000 / channel.limits.sendsPerSecond);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
