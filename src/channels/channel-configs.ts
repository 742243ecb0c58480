import type { Channel, ChannelCheck, ChannelKind } from "../spec/channel.js";
import type { ChannelRecord, Store } from "../spec/store.js";
import { isChannelKind, makeChannel, validateChannelInput } from "./make-channel.js";
import { SecretBox } from "./secret-box.js";

/** A channel as the API and the CLI show it: never its secrets, only their names. */
export interface ChannelView {
  id: string;
  agentId: string;
  kind: ChannelKind;
  settings: Record<string, unknown>;
  /** Which secrets are stored (their values never leave the server). */
  secretNames: string[];
  /** The path the provider posts to, below the server's public URL. */
  webhookPath: string;
  createdAt: string;
  updatedAt: string;
}

/** The path a channel's provider calls, for both the handshake (GET) and the events (POST). */
export function webhookPath(channelId: string): string {
  return `/channels/${channelId}/webhook`;
}

/**
 * Channel configurations: secrets are sealed with `ALAMBIQUE_SECRET_KEY`
 * (AES-256-GCM, bound to the tenant, agent and kind) before they reach the
 * store and opened only to talk to the provider. Without the key, adding a
 * channel or opening one throws SecretKeyMissingError, saying how to set it.
 */
export class ChannelConfigs {
  #box: SecretBox | undefined;

  constructor(
    private readonly store: Store,
    private readonly secretKey: () => string | undefined = () => undefined,
  ) {}

  async add(input: {
    tenantId: string;
    agentId: string;
    kind: ChannelKind;
    settings?: unknown;
    secrets: Record<string, unknown>;
  }): Promise<{ record: ChannelRecord; view: ChannelView; secrets: Record<string, string> }> {
    const valid = validateChannelInput(input.kind, input.settings, input.secrets);
    const sealed = this.#sealer().seal(valid.secrets, context(input));
    const record = await this.store.channels.create({
      tenantId: input.tenantId,
      agentId: input.agentId,
      kind: input.kind,
      settings: valid.settings,
      sealedSecrets: sealed,
    });
    return { record, view: viewOf(record, Object.keys(valid.secrets)), secrets: valid.secrets };
  }

  async list(tenantId: string, agentId?: string): Promise<ChannelView[]> {
    const records = await this.store.channels.list(tenantId, agentId ? { agentId } : {});
    return records.map((record) => this.view(record));
  }

  /** The view of a record: the names of its secrets when the key opens them, none otherwise. */
  view(record: ChannelRecord): ChannelView {
    let names: string[] = [];
    try {
      names = Object.keys(this.secrets(record));
    } catch {
      // Without the key the channel is still listed; `test` says what is wrong.
    }
    return viewOf(record, names);
  }

  /** The working channel of a record. Throws SecretKeyMissingError when its secrets do not open. */
  open(record: ChannelRecord): Channel {
    if (!isChannelKind(record.kind)) throw new Error(`unknown channel kind in the store: ${record.kind}`);
    return makeChannel(record.kind, record.settings, this.secrets(record));
  }

  /** Checks the credentials against the provider; a missing or wrong key is a problem reported, not thrown. */
  async test(record: ChannelRecord): Promise<ChannelCheck> {
    let channel: Channel;
    try {
      channel = this.open(record);
    } catch (error) {
      return { ok: false, details: {}, problems: [(error as Error).message] };
    }
    return channel.check();
  }

  secrets(record: ChannelRecord): Record<string, string> {
    return this.#sealer().open(record.sealedSecrets, context(record));
  }

  #sealer(): SecretBox {
    this.#box ??= SecretBox.fromKey(this.secretKey() ?? process.env.ALAMBIQUE_SECRET_KEY);
    return this.#box;
  }
}

function context(channel: { tenantId: string; agentId: string; kind: string }): string {
  return `alambique channel ${channel.tenantId}/${channel.agentId}/${channel.kind}`;
}

function viewOf(record: ChannelRecord, secretNames: string[]): ChannelView {
  return {
    id: record.id,
    agentId: record.agentId,
    kind: record.kind as ChannelKind,
    settings: record.settings,
    secretNames,
    webhookPath: webhookPath(record.id),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
