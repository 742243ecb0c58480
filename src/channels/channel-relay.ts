import { parseChannelExternalUserId, type StaffReplyRelay } from "../spec/channel.js";
import type { Conversation, Message, Store } from "../spec/store.js";
import type { ChannelConfigs } from "./channel-configs.js";
import { assertWindowOpen } from "./customer-service-window.js";
import { queueOutbound } from "./queue-outbound.js";

/**
 * A person's reply from the desk goes out on the customer's channel: refused
 * first when it could not be delivered (WhatsApp's closed 24-hour window, with
 * the reason), queued after it is stored (keyed by the message, so it goes
 * out once), signed with the person's name as the widget shows it.
 */
export class ChannelRelay implements StaffReplyRelay {
  constructor(
    private readonly store: Store,
    private readonly configs: ChannelConfigs,
    private readonly now: () => Date = () => new Date(),
    private readonly kick: () => void = () => undefined,
  ) {}

  async beforeReply(conversation: Conversation): Promise<void> {
    const target = await this.#target(conversation);
    if (target) await assertWindowOpen(this.store, target.channel, conversation.id, this.now());
  }

  async afterReply(conversation: Conversation, message: Message): Promise<void> {
    const target = await this.#target(conversation);
    if (!target) return;
    const staff = typeof message.metadata.staff === "string" ? message.metadata.staff : undefined;
    await queueOutbound(this.store, target.channel, target.channelId, `staff:${message.id}`, {
      conversationId: conversation.id,
      contactId: target.contactId,
      markdown: staff ? `**${staff}**\n${message.content}` : message.content,
      origin: "staff",
    });
    this.kick();
  }

  async #target(conversation: Conversation) {
    const key = parseChannelExternalUserId(conversation.externalUserId);
    if (!key) return undefined;
    const record = await this.store.channels.get(conversation.tenantId, key.channelId);
    // The channel was removed: the reply stays in the desk, as for a widget visitor who left.
    if (!record || record.agentId !== conversation.agentId) return undefined;
    return { channel: this.configs.open(record), channelId: record.id, contactId: key.contactId };
  }
}
