import type { ChannelWatch } from "../spec/channel.js";
import type { ChannelRecord, Store } from "../spec/store.js";
import type { ChannelConfigs } from "./channel-configs.js";
import type { ChannelInbox } from "./channel-inbox.js";

export interface ChannelWatchersOptions {
  /** How often the store is read for channels added, changed or removed, in ms. Default 30 s. */
  refreshMs?: number;
  onError?: (error: unknown, where: string) => void;
}

/**
 * Runs `Channel.watch` for every stored channel that reads its provider
 * rather than being posted to (e-mail), in the server that runs the
 * channels' worker: each event is queued in the store like a webhook's
 * (`ChannelInbox.queue`, deduplicated), then the worker is kicked. The
 * channels are read again every `refreshMs`, so one added through the API
 * or the CLI starts without a restart and one removed stops; `stop()`
 * closes every connection. Several replicas may watch the same mailbox: the
 * store's dedupe keeps one copy of each message.
 */
export class ChannelWatchers {
  readonly #running = new Map<string, { updatedAt: string; watch: ChannelWatch }>();
  /** Versions (`id@updatedAt`) with nothing to watch, or whose secrets did not open (said once). */
  readonly #passed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly configs: ChannelConfigs,
    private readonly inbox: ChannelInbox,
    private readonly kick: () => void,
    private readonly options: ChannelWatchersOptions = {},
  ) {}

  start(): void {
    this.#stopped = false;
    void this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), this.options.refreshMs ?? 30_000);
    this.#timer.unref();
  }

  /** Starts, restarts (changed settings) and stops watches to match the store now. Never throws. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map(({ watch }) => watch.close()));
  }

  async #refresh(): Promise<void> {
    try {
      const records: ChannelRecord[] = [];
      for (const tenant of await this.store.tenants.list())
        records.push(...(await this.store.channels.list(tenant.id)));
      const wanted = new Map(records.map((record) => [record.id, record]));
      for (const [id, running] of this.#running) {
        if (wanted.get(id)?.updatedAt !== running.updatedAt) {
          this.#running.delete(id);
          await running.watch.close();
        }
      }
      for (const record of records) {
        if (this.#stopped || this.#running.has(record.id)) continue;
        if (this.#passed.has(`${record.id}@${record.updatedAt}`)) continue;
        this.#begin(record);
      }
    } catch (error) {
      this.options.onError?.(error, "watch");
    }
  }

  #begin(record: ChannelRecord): void {
    let channel: ReturnType<ChannelConfigs["open"]>;
    try {
      channel = this.configs.open(record);
    } catch (error) {
      // A key that does not open the secrets: said once; a changed channel or a restart tries again.
      this.#passed.add(`${record.id}@${record.updatedAt}`);
      this.options.onError?.(error, "watch");
      return;
    }
    if (!channel.watch) {
      this.#passed.add(`${record.id}@${record.updatedAt}`);
      return;
    }
    const watch = channel.watch({
      since: new Date(record.createdAt),
      deliver: async (events) => {
        if ((await this.inbox.queue(record, events)) > 0) this.kick();
      },
      onError: (error) => this.options.onError?.(error, "watch"),
    });
    this.#running.set(record.id, { updatedAt: record.updatedAt, watch });
  }
}
