import type { Channel } from "../spec/channel.js";
import { ChannelWindowClosedError } from "../spec/channel-errors.js";
import type { Store } from "../spec/store.js";

/**
 * Throws ChannelWindowClosedError when the channel has a customer-service
 * window (WhatsApp, Messenger, Instagram: 24 h) and the conversation's last customer message is
 * older than it, or there is none: outside it only approved templates may be
 * sent, and a free-form message would be refused by the provider (131047)
 * after the staff believed it sent. Channels without a window pass.
 */
export async function assertWindowOpen(
  store: Store,
  channel: Channel,
  conversationId: string,
  now: Date,
): Promise<void> {
  const windowMs = channel.limits.customerServiceWindowMs;
  if (windowMs === undefined) return;
  const messages = await store.messages.list(conversationId);
  const last = messages.findLast((m) => m.role === "user");
  if (!last || now.getTime() - Date.parse(last.createdAt) > windowMs) {
    throw new ChannelWindowClosedError(last?.createdAt, channel.kind);
  }
}
