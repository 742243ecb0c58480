import type { Channel } from "../spec/channel.js";
import { ChannelWindowClosedError } from "../spec/channel-errors.js";
import type { Store } from "../spec/store.js";
import { LastCustomerMessages } from "./last-customer-messages.js";

/**
 * Throws ChannelWindowClosedError when the channel has a customer-service
 * window (WhatsApp, Messenger, Instagram: 24 h) and the conversation's last customer message is
 * older than it, or there is none: outside it only approved templates may be
 * sent, and a free-form message would be refused by the provider (131047)
 * after the staff believed it sent. Channels without a window pass (nothing
 * is read). `customers` remembers what it read (the sender keeps one);
 * without it the conversation's messages are read whole.
 */
export async function assertWindowOpen(
  store: Store,
  channel: Channel,
  conversationId: string,
  now: Date,
  customers: LastCustomerMessages = new LastCustomerMessages(store),
): Promise<void> {
  const windowMs = channel.limits.customerServiceWindowMs;
  if (windowMs === undefined) return;
  const last = await customers.at(conversationId);
  if (!last || now.getTime() - Date.parse(last) > windowMs) {
    throw new ChannelWindowClosedError(last, channel.kind);
  }
}
