/**
 * Channels and their queues. Claims are read-then-write, so each runs in one
 * IMMEDIATE transaction: two processes on one file never claim the same row.
 */
import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type {
  ChannelInboundRow,
  ChannelOutboundRow,
  ChannelQueueStats,
  ChannelRecord,
} from "../../spec/store.js";
import { assertLeaseMs, CHANNEL_LEASE_HINT } from "../assert-lease-ms.js";
import { newId } from "../ids.js";
import { fromJsonText, isoAfter, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface ChannelRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  kind: string;
  settings: string;
  sealed_secrets: Buffer;
  created_at: string;
  updated_at: string;
}
interface InboundRow {
  id: string;
  channel_id: string;
  provider_message_id: string;
  payload: string;
  status: ChannelInboundRow["status"];
  attempts: number;
  error: string | null;
  created_at: string;
}
interface OutboundRow {
  id: string;
  channel_id: string;
  idempotency_key: string;
  payload: string;
  status: ChannelOutboundRow["status"];
  attempts: number;
  next_attempt_at: string;
  error: string | null;
  provider_message_id: string | null;
  created_at: string;
  updated_at: string;
}

/** How long a channel worker should hold what it claimed. */
export function createSqliteChannels(db: Database): SyncRepositories["channels"] {
  // Prepared once per store, as the other repositories are: a queue is polled often.
  const insertChannel = db.prepare<unknown[], ChannelRow>(
    `INSERT INTO channels (id, tenant_id, agent_id, kind, settings, sealed_secrets, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const channelOfTenant = db.prepare<[string, string], ChannelRow>(
    "SELECT * FROM channels WHERE tenant_id = ? AND id = ?",
  );
  const channelById = db.prepare<[string], ChannelRow>("SELECT * FROM channels WHERE id = ?");
  const channelsOfTenant = db.prepare<[string, string | null, string | null], ChannelRow>(
    "SELECT * FROM channels WHERE tenant_id = ? AND (? IS NULL OR agent_id = ?) ORDER BY created_at, id",
  );
  const removeChannel = db.prepare<[string, string]>("DELETE FROM channels WHERE tenant_id = ? AND id = ?");
  const insertInbound = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO channel_inbound (id, channel_id, provider_message_id, payload, status, created_at)
     VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT (channel_id, provider_message_id) DO NOTHING`,
  );
  const dueInbound = db.prepare<[string, number], InboundRow>(
    `SELECT * FROM channel_inbound WHERE status = 'queued' AND (lease_until IS NULL OR lease_until <= ?)
     ORDER BY created_at, id LIMIT ?`,
  );
  const leaseInbound = db.prepare<[string, string]>(
    "UPDATE channel_inbound SET attempts = attempts + 1, lease_until = ? WHERE id = ?",
  );
  const finishInbound = db.prepare<[string, string | null, string]>(
    "UPDATE channel_inbound SET status = ?, error = ?, lease_until = NULL WHERE id = ?",
  );
  const insertOutbound = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT INTO channel_outbound (id, channel_id, idempotency_key, payload, status, next_attempt_at,
       created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (channel_id, idempotency_key) DO NOTHING`,
  );
  const outboundByKey = db.prepare<[string, string], OutboundRow>(
    "SELECT * FROM channel_outbound WHERE channel_id = ? AND idempotency_key = ?",
  );
  const dueOutbound = db.prepare<[string, number], OutboundRow>(
    `SELECT * FROM channel_outbound WHERE status = 'queued' AND next_attempt_at <= ?
     ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const leaseOutbound = db.prepare<[string, string]>(
    "UPDATE channel_outbound SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
  );
  const settleOutbound = db.prepare<
    [string, string, string | null, string | null, string, string],
    OutboundRow
  >(
    `UPDATE channel_outbound SET status = ?, next_attempt_at = ?, error = ?,
       provider_message_id = coalesce(?, provider_message_id), updated_at = ?
     WHERE id = ? RETURNING *`,
  );
  // Only queued rows are read (the `(status, …)` indexes); the channels themselves are few.
  const queueStats = db.prepare<[], QueueStatsRow>(
    `SELECT c.id, c.tenant_id, c.agent_id, a.name AS agent_name, c.kind,
         coalesce(i.n, 0) AS inbound_queued, i.oldest AS oldest_inbound_at,
         coalesce(o.n, 0) AS outbound_queued, o.oldest AS oldest_outbound_at
       FROM channels c JOIN agents a ON a.id = c.agent_id
       LEFT JOIN (SELECT channel_id, count(*) AS n, min(created_at) AS oldest FROM channel_inbound
         WHERE status = 'queued' GROUP BY channel_id) i ON i.channel_id = c.id
       LEFT JOIN (SELECT channel_id, count(*) AS n, min(created_at) AS oldest FROM channel_outbound
         WHERE status = 'queued' GROUP BY channel_id) o ON o.channel_id = c.id
       ORDER BY c.kind, a.name, c.id`,
  );
  const outboundOfChannel = db.prepare<[string, string | null, string | null], OutboundRow>(
    `SELECT * FROM channel_outbound WHERE channel_id = ? AND (? IS NULL OR status = ?)
     ORDER BY created_at, id`,
  );

  // Claims are read-then-write: IMMEDIATE, so two processes never claim one row (a savepoint inside a batch).
  const claimInbound = db.transaction((leaseMs: number, limit: number) => {
    const rows = dueInbound.all(nowIso(), limit);
    for (const row of rows) leaseInbound.run(isoAfter(leaseMs), row.id);
    return rows.map((row) => toInbound({ ...row, attempts: row.attempts + 1 }));
  });
  const claimOutbound = db.transaction((leaseMs: number, limit: number) => {
    const rows = dueOutbound.all(nowIso(), limit);
    const until = isoAfter(leaseMs);
    for (const row of rows) leaseOutbound.run(until, row.id);
    return rows.map((row) => toOutbound({ ...row, attempts: row.attempts + 1, next_attempt_at: until }));
  });
  const enqueueOutbound = db.transaction((channelId: string, idempotencyKey: string, payload: string) => {
    const now = nowIso();
    insertOutbound.run(newId(), channelId, idempotencyKey, payload, now, now, now);
    return toOutbound(outboundByKey.get(channelId, idempotencyKey)!);
  });

  return {
    create(input) {
      const now = nowIso();
      return toChannel(
        insertChannel.get(
          newId(),
          input.tenantId,
          input.agentId,
          input.kind,
          toJsonText(input.settings, "settings"),
          input.sealedSecrets,
          now,
          now,
        )!,
      );
    },
    get(tenantId, id) {
      const row = channelOfTenant.get(tenantId, id);
      return row && toChannel(row);
    },
    find(id) {
      const row = channelById.get(id);
      return row && toChannel(row);
    },
    list(tenantId, filter = {}) {
      return channelsOfTenant.all(tenantId, filter.agentId ?? null, filter.agentId ?? null).map(toChannel);
    },
    remove(tenantId, id) {
      if (removeChannel.run(tenantId, id).changes === 0) throw new NotFoundError("channel", id);
    },
    receive(input) {
      const payload = toJsonText(input.payload, "payload");
      return (
        insertInbound.run(newId(), input.channelId, input.providerMessageId, payload, nowIso()).changes === 1
      );
    },
    claimInbound({ leaseMs, limit }) {
      assertLeaseMs(leaseMs, CHANNEL_LEASE_HINT);
      return claimInbound.immediate(leaseMs, limit);
    },
    finishInbound(id, error) {
      const result = finishInbound.run(error === undefined ? "done" : "failed", error ?? null, id);
      if (result.changes === 0) throw new NotFoundError("channel event", id);
    },
    enqueueOutbound(input) {
      const payload = toJsonText(input.payload, "payload");
      return enqueueOutbound.immediate(input.channelId, input.idempotencyKey, payload);
    },
    claimOutbound({ leaseMs, limit }) {
      assertLeaseMs(leaseMs, CHANNEL_LEASE_HINT);
      return claimOutbound.immediate(leaseMs, limit);
    },
    settleOutbound(id, settlement) {
      const now = nowIso();
      const [status, next, error, providerId] =
        "sent" in settlement
          ? ["sent", now, null, settlement.sent]
          : "retryAt" in settlement
            ? ["queued", settlement.retryAt, settlement.error, null]
            : ["failed", now, settlement.failed, null];
      const row = settleOutbound.get(status, next, error, providerId, now, id);
      if (!row) throw new NotFoundError("channel message", id);
      return toOutbound(row);
    },
    queueStats() {
      return queueStats.all().map(toQueueStats);
    },
    listOutbound(channelId, filter = {}) {
      return outboundOfChannel.all(channelId, filter.status ?? null, filter.status ?? null).map(toOutbound);
    },
  };
}

interface QueueStatsRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  agent_name: string;
  kind: string;
  inbound_queued: number;
  oldest_inbound_at: string | null;
  outbound_queued: number;
  oldest_outbound_at: string | null;
}

function toQueueStats(row: QueueStatsRow): ChannelQueueStats {
  return {
    channelId: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    kind: row.kind,
    inboundQueued: row.inbound_queued,
    oldestInboundAt: row.oldest_inbound_at,
    outboundQueued: row.outbound_queued,
    oldestOutboundAt: row.oldest_outbound_at,
  };
}

function toChannel(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    kind: row.kind,
    settings: fromJsonText(row.settings),
    sealedSecrets: Buffer.from(row.sealed_secrets),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toInbound(row: InboundRow): ChannelInboundRow {
  return {
    id: row.id,
    channelId: row.channel_id,
    providerMessageId: row.provider_message_id,
    payload: fromJsonText(row.payload),
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
  };
}

function toOutbound(row: OutboundRow): ChannelOutboundRow {
  return {
    id: row.id,
    channelId: row.channel_id,
    idempotencyKey: row.idempotency_key,
    payload: fromJsonText(row.payload),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    error: row.error,
    providerMessageId: row.provider_message_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
