import { MAX_MESSAGE_CHARS } from "../agents/turn/guard-input.js";
import { redactPii } from "../safety/redact-pii.js";
import { agentSpecSchema } from "../spec/agent.js";
import type { InboundEvent, WebhookRequest } from "../spec/channel.js";
import { ChannelSignatureError } from "../spec/channel-errors.js";
import type { JsonValue } from "../spec/json.js";
import type { ChannelRecord, Store } from "../spec/store.js";
import type { ChannelConfigs } from "./channel-configs.js";

/**
 * The webhooks' side: verify, parse, queue, and nothing more, so that the
 * provider gets its 2xx within its deadline and a restart loses nothing (the
 * work is in the store). A channel that does not exist answers like a wrong
 * signature (401): a caller learns nothing about which ids exist.
 */
export class ChannelInbox {
  constructor(
    private readonly store: Store,
    private readonly configs: ChannelConfigs,
  ) {}

  /** The handshake's answer (WhatsApp's `hub.challenge`). Throws ChannelSignatureError. */
  async handshake(channelId: string, query: WebhookRequest["query"]): Promise<string> {
    const { channel } = await this.#open(channelId);
    if (!channel.handshake)
      throw new ChannelSignatureError("this channel's provider has no subscription handshake");
    return channel.handshake(query);
  }

  /**
   * Verifies the request (ChannelSignatureError before anything is read or
   * stored), then queues each event once: `queued` counts the new ones, a
   * redelivery's are left out. A customer's words are queued masked when
   * the agent masks PII, as the turn would store them.
   */
  async receive(channelId: string, request: WebhookRequest): Promise<{ queued: number; events: number }> {
    const { channel, record } = await this.#open(channelId);
    channel.verify(request);
    const events = channel.parse(request.rawBody);
    return { queued: await this.queue(record, events), events: events.length };
  }

  /**
   * Queues events that arrived otherwise than by webhook (a watched mailbox:
   * `Channel.watch`), each once by its provider id, masked as `receive`
   * masks. Returns how many were new.
   */
  async queue(record: ChannelRecord, events: InboundEvent[]): Promise<number> {
    const agent = await this.store.agents.get(record.tenantId, record.agentId);
    const mask = agent ? agentSpecSchema.parse(agent.spec).guardrails.redactPii : true;
    let queued = 0;
    for (const event of events) {
      const stored = await this.store.channels.receive({
        channelId: record.id,
        providerMessageId: event.providerMessageId,
        payload: toPayload(event, mask),
      });
      if (stored) queued++;
    }
    return queued;
  }

  async #open(channelId: string) {
    const record = await this.store.channels.find(channelId);
    if (!record) throw new ChannelSignatureError("no channel has this webhook");
    return { record, channel: this.configs.open(record) };
  }
}

function toPayload(event: InboundEvent, mask: boolean): Record<string, JsonValue> {
  if (event.type !== "message") return { ...event };
  const text = event.text.slice(0, MAX_MESSAGE_CHARS + 1);
  return { ...event, text: mask ? redactPii(text).text : text };
}
