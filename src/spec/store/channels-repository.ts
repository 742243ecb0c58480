// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";

/**
 * One channel of an agent (at most one per kind). `settings` are public
 * (base URLs, a phone number id); `sealedSecrets` are the credentials
 * encrypted by the channels layer (AES-256-GCM): the store never sees them in clear.
 */
export interface ChannelRecord {
  id: string;
  tenantId: string;
  agentId: string;
  kind: string;
  settings: Record<string, JsonValue>;
  sealedSecrets: Buffer;
  createdAt: string;
  updatedAt: string;
}

/** A webhook event waiting for (or done with) its turn. */
export interface ChannelInboundRow {
  id: string;
  channelId: string;
  providerMessageId: string;
  payload: Record<string, JsonValue>;
  status: "queued" | "done" | "failed";
  /** Claims so far, this one included. */
  attempts: number;
  error: string | null;
  createdAt: string;
}

/** A message waiting to go out (or sent, or given up on). */
export interface ChannelOutboundRow {
  id: string;
  channelId: string;
  /** Unique per channel: queuing the same key twice returns the first row. */
  idempotencyKey: string;
  payload: Record<string, JsonValue>;
  status: "queued" | "sent" | "failed";
  attempts: number;
  /** When it may be tried (again). */
  nextAttemptAt: string;
  error: string | null;
  providerMessageId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * One channel's queues right now (`queueStats`): what is still queued each
 * way and since when (ISO time of the oldest queued row; null when none).
 */
export interface ChannelQueueStats {
  channelId: string;
  tenantId: string;
  agentId: string;
  /** The agent's name, for operators' reports. */
  agentName: string;
  kind: string;
  inboundQueued: number;
  oldestInboundAt: string | null;
  outboundQueued: number;
  oldestOutboundAt: string | null;
}

export type OutboundSettlement = { sent: string } | { retryAt: string; error: string } | { failed: string };

export interface ChannelsRepository {
  /** StoreError(unique) when the agent has a channel of this kind; StoreError(foreign_key) unless the agent is the tenant's. */
  create(input: {
    tenantId: string;
    agentId: string;
    kind: string;
    settings: Record<string, JsonValue>;
    sealedSecrets: Buffer;
  }): Promise<ChannelRecord>;
  get(tenantId: string, id: string): Promise<ChannelRecord | undefined>;
  /** By id alone: a webhook names its channel before anyone is authenticated (its signature is checked next). */
  find(id: string): Promise<ChannelRecord | undefined>;
  list(tenantId: string, filter?: { agentId?: string }): Promise<ChannelRecord[]>;
  /** Removes the channel with its queues. NotFoundError when absent. */
  remove(tenantId: string, id: string): Promise<void>;

  /**
   * Queues a webhook event unless one with the same provider id is already
   * queued or done for the channel: true when queued now, false for a redelivery.
   */
  receive(input: {
    channelId: string;
    providerMessageId: string;
    payload: Record<string, JsonValue>;
  }): Promise<boolean>;
  /**
   * Up to `limit` queued events nobody holds (or whose holder's lease ran
   * out), oldest first, now held for `leaseMs` with `attempts` counted.
   */
  claimInbound(options: { leaseMs: number; limit: number }): Promise<ChannelInboundRow[]>;
  /** Done, or failed with `error`. NotFoundError when absent. */
  finishInbound(id: string, error?: string): Promise<void>;

  /** Queues a message, or returns the row already queued with this key (whatever its state). */
  enqueueOutbound(input: {
    channelId: string;
    idempotencyKey: string;
    payload: Record<string, JsonValue>;
  }): Promise<ChannelOutboundRow>;
  /** Queued messages due now, oldest first, held for `leaseMs` (their `nextAttemptAt` moves past it). */
  claimOutbound(options: { leaseMs: number; limit: number }): Promise<ChannelOutboundRow[]>;
  /** Sent (with the provider's id), due again at `retryAt`, or given up. NotFoundError when absent. */
  settleOutbound(id: string, settlement: OutboundSettlement): Promise<ChannelOutboundRow>;
  /**
   * Every channel (all tenants) with its queued counts, in one aggregate
   * query over the queues' `(status, …)` indexes: for readiness and metrics,
   * which cache it. Ordered by kind, agent name, channel id.
   */
  queueStats(): Promise<ChannelQueueStats[]>;
  /** The channel's outgoing messages, oldest first. */
  listOutbound(
    channelId: string,
    filter?: { status?: ChannelOutboundRow["status"] },
  ): Promise<ChannelOutboundRow[]>;
}
