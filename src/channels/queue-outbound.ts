import type { Channel } from "../spec/channel.js";
import type { JsonValue } from "../spec/json.js";
import type { Store } from "../spec/store.js";
import type { OutboundPayload } from "./channel-sender.js";
import { splitText } from "./split-text.js";

/**
 * Queues a message for a channel, split into parts that fit its size rule
 * (half its limit in Markdown: escaping may double the length), each part
 * its own row keyed `<key>:<n>`: queuing the same key again (a redelivery, a
 * retried turn) adds nothing. Quick replies go with the last part.
 */
export async function queueOutbound(
  store: Store,
  channel: Channel,
  channelId: string,
  key: string,
  payload: OutboundPayload,
): Promise<number> {
  const parts = splitText(payload.markdown, Math.floor(channel.limits.maxTextChars / 2));
  for (const [index, markdown] of parts.entries()) {
    const last = index === parts.length - 1;
    const { quickReplies, media, ...rest } = payload;
    const part: OutboundPayload = {
      ...rest,
      markdown,
      ...(last && quickReplies?.length ? { quickReplies } : {}),
      ...(index === 0 && media ? { media } : {}),
    };
    await store.channels.enqueueOutbound({
      channelId,
      idempotencyKey: `${key}:${index + 1}`,
      payload: part as unknown as Record<string, JsonValue>,
    });
  }
  return parts.length;
}
