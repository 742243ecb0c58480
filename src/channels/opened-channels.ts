import type { Channel } from "../spec/channel.js";
import type { ChannelRecord } from "../spec/store.js";
import type { ChannelConfigs } from "./channel-configs.js";

/**
 * Working channels kept per channel id, so that a queue's rows do not each
 * decrypt the channel's secrets and parse its settings again. A record read
 * later is served the kept channel only while it is the same configuration
 * (same `updatedAt` and sealed secrets; a changed channel is opened again);
 * `forget` drops a removed one.
 */
export class OpenedChannels {
  readonly #opened = new Map<string, { record: ChannelRecord; channel: Channel }>();

  constructor(private readonly configs: ChannelConfigs) {}

  /** The working channel of `record`. Throws as `ChannelConfigs.open` does (a key that does not open its secrets). */
  open(record: ChannelRecord): Channel {
    const kept = this.#opened.get(record.id);
    if (
      kept &&
      kept.record.updatedAt === record.updatedAt &&
      kept.record.kind === record.kind &&
      kept.record.sealedSecrets.equals(record.sealedSecrets)
    )
      return kept.channel;
    const channel = this.configs.open(record);
    this.#opened.set(record.id, { record, channel });
    return channel;
  }

  forget(channelId: string): void {
    this.#opened.delete(channelId);
  }
}
