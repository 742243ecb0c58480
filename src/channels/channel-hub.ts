import type { AgentRuntime } from "../agents/agent-runtime.js";
import type { Store } from "../spec/store.js";
import { ChannelConfigs } from "./channel-configs.js";
import { ChannelInbox } from "./channel-inbox.js";
import { ChannelRelay } from "./channel-relay.js";
import { ChannelSender, type SenderOptions } from "./channel-sender.js";
import { type AdmitTurn, type CustomerAnswer, runChannelTurn } from "./channel-turns.js";
import { ChannelWatchers, type ChannelWatchersOptions } from "./channel-watchers.js";
import { ChannelWorker, type ChannelWorkerOptions } from "./channel-worker.js";
import { OpenedChannels } from "./opened-channels.js";

export interface ChannelHubOptions extends ChannelWorkerOptions, SenderOptions, ChannelWatchersOptions {
  store: Store;
  agents: AgentRuntime;
  customerAnswer: CustomerAnswer;
  /** The server's limits on a turn (rate per contact, tokens, model queue); none when absent. */
  admit?: AdmitTurn;
  /** The key sealing channel secrets (base64 or hex of 32 bytes). Default `ALAMBIQUE_SECRET_KEY`. */
  secretKey?: string;
}

/**
 * Everything channels need, put together once per server: configurations
 * (sealed secrets), the webhooks' inbox, the worker draining the queues
 * (turns in, sends out), and the desk's relay for a person's replies. Turns
 * and sends share one set of opened channels: a channel's secrets are
 * decrypted once per configuration, not once per row.
 */
export class ChannelHub {
  readonly configs: ChannelConfigs;
  readonly inbox: ChannelInbox;
  readonly relay: ChannelRelay;
  readonly sender: ChannelSender;
  readonly worker: ChannelWorker;
  /** The mailboxes of pull-style channels (e-mail), read while the server runs. */
  readonly watchers: ChannelWatchers;

  constructor(options: ChannelHubOptions) {
    const { store, agents, customerAnswer } = options;
    this.configs = new ChannelConfigs(store, () => options.secretKey);
    this.inbox = new ChannelInbox(store, this.configs);
    const channels = new OpenedChannels(this.configs);
    this.sender = new ChannelSender(store, channels, options);
    this.worker = new ChannelWorker(
      store,
      {
        turn: (row) => runChannelTurn({ store, channels, agents, customerAnswer, admit: options.admit }, row),
        send: (row) => this.sender.send(row),
      },
      options,
    );
    this.relay = new ChannelRelay(store, this.configs, options.now, () => this.worker.kick());
    this.watchers = new ChannelWatchers(store, this.configs, this.inbox, () => this.worker.kick(), options);
  }
}
