/**
 * Channels and their queues on PostgreSQL, with the rules of the SQLite ones
 * (sqlite-channels.ts). A claim is one statement choosing rows with
 * `FOR UPDATE SKIP LOCKED`: workers on many machines never claim one row twice.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type {
  ChannelInboundRow,
  ChannelOutboundRow,
  ChannelQueueStats,
  ChannelRecord,
  StoreRepositories,
} from "../../spec/store.js";
import { assertLeaseMs, CHANNEL_LEASE_HINT } from "../assert-lease-ms.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, isoAfter, nowIso, toJsonText } from "./postgres-values.js";

interface ChannelRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  kind: string;
  settings: Record<string, JsonValue>;
  sealed_secrets: Buffer;
  created_at: Date;
  updated_at: Date;
}
interface InboundRow {
  id: string;
  channel_id: string;
  provider_message_id: string;
  payload: Record<string, JsonValue>;
  status: ChannelInboundRow["status"];
  attempts: number;
  error: string | null;
  created_at: Date;
}
interface OutboundRow {
  id: string;
  channel_id: string;
  idempotency_key: string;
  payload: Record<string, JsonValue>;
  status: ChannelOutboundRow["status"];
  attempts: number;
  next_attempt_at: Date;
  error: string | null;
  provider_message_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresChannels(sql: Sql): StoreRepositories["channels"] {
  const channels = async (text: string, values: unknown[]) =>
    (await sql.query<ChannelRow>(text, values)).map(toChannel);
  const outbound = async (text: string, values: unknown[]) =>
    (await sql.query<OutboundRow>(text, values)).map(toOutbound);
  return {
    async create(input) {
      const now = nowIso();
      const [row] = await channels(
        `INSERT INTO channels (id, tenant_id, agent_id, kind, settings, sealed_secrets, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [
          newId(),
          input.tenantId,
          input.agentId,
          input.kind,
          toJsonText(input.settings, "settings"),
          input.sealedSecrets,
          now,
        ],
      );
      return row!;
    },
    get: async (tenantId, id) =>
      (await channels("SELECT * FROM channels WHERE tenant_id = $1 AND id = $2", [tenantId, id]))[0],
    find: async (id) => (await channels("SELECT * FROM channels WHERE id = $1", [id]))[0],
    list: (tenantId, filter = {}) =>
      channels(
        `SELECT * FROM channels WHERE tenant_id = $1 AND ($2::text IS NULL OR agent_id = $2)
         ORDER BY created_at, id`,
        [tenantId, filter.agentId ?? null],
      ),
    async remove(tenantId, id) {
      const gone = await sql.query("DELETE FROM channels WHERE tenant_id = $1 AND id = $2 RETURNING id", [
        tenantId,
        id,
      ]);
      if (gone.length === 0) throw new NotFoundError("channel", id);
    },
    async receive(input) {
      const inserted = await sql.query(
        `INSERT INTO channel_inbound (id, channel_id, provider_message_id, payload, status, created_at)
         VALUES ($1, $2, $3, $4, 'queued', $5) ON CONFLICT (channel_id, provider_message_id) DO NOTHING
         RETURNING id`,
        [newId(), input.channelId, input.providerMessageId, toJsonText(input.payload, "payload"), nowIso()],
      );
      return inserted.length === 1;
    },
    async claimInbound({ leaseMs, limit }) {
      assertLeaseMs(leaseMs, CHANNEL_LEASE_HINT);
      const rows = await sql.query<InboundRow>(
        `UPDATE channel_inbound SET attempts = attempts + 1, lease_until = $1
         WHERE id IN (SELECT id FROM channel_inbound
           WHERE status = 'queued' AND (lease_until IS NULL OR lease_until <= $2)
           ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [isoAfter(leaseMs), nowIso(), limit],
      );
      return rows
        .map(toInbound)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async finishInbound(id, error) {
      const done = await sql.query(
        "UPDATE channel_inbound SET status = $1, error = $2, lease_until = NULL WHERE id = $3 RETURNING id",
        [error === undefined ? "done" : "failed", error ?? null, id],
      );
      if (done.length === 0) throw new NotFoundError("channel event", id);
    },
    async enqueueOutbound(input) {
      const now = nowIso();
      await sql.query(
        `INSERT INTO channel_outbound (id, channel_id, idempotency_key, payload, status, next_attempt_at,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $5, $5) ON CONFLICT (channel_id, idempotency_key) DO NOTHING`,
        [newId(), input.channelId, input.idempotencyKey, toJsonText(input.payload, "payload"), now],
      );
      const [row] = await outbound(
        "SELECT * FROM channel_outbound WHERE channel_id = $1 AND idempotency_key = $2",
        [input.channelId, input.idempotencyKey],
      );
      return row!;
    },
    async claimOutbound({ leaseMs, limit }) {
      assertLeaseMs(leaseMs, CHANNEL_LEASE_HINT);
      const rows = await outbound(
        `UPDATE channel_outbound SET attempts = attempts + 1, next_attempt_at = $1
         WHERE id IN (SELECT id FROM channel_outbound WHERE status = 'queued' AND next_attempt_at <= $2
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [isoAfter(leaseMs), nowIso(), limit],
      );
      return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async settleOutbound(id, settlement) {
      const now = nowIso();
      const [status, next, error, providerId] =
        "sent" in settlement
          ? ["sent", now, null, settlement.sent]
          : "retryAt" in settlement
            ? ["queued", settlement.retryAt, settlement.error, null]
            : ["failed", now, settlement.failed, null];
      const [row] = await outbound(
        `UPDATE channel_outbound SET status = $1, next_attempt_at = $2, error = $3,
           provider_message_id = coalesce($4, provider_message_id), updated_at = $5
         WHERE id = $6 RETURNING *`,
        [status, next, error, providerId, now, id],
      );
      if (!row) throw new NotFoundError("channel message", id);
      return row;
    },
    queueStats: async () =>
      // Only queued rows are read (the `(status, …)` indexes); the channels themselves are few.
      (
        await sql.query<QueueStatsRow>(
          `SELECT c.id, c.tenant_id, c.agent_id, a.name AS agent_name, c.kind,
               coalesce(i.n, 0) AS inbound_queued, i.oldest AS oldest_inbound_at,
               coalesce(o.n, 0) AS outbound_queued, o.oldest AS oldest_outbound_at
             FROM channels c JOIN agents a ON a.id = c.agent_id
             LEFT JOIN (SELECT channel_id, count(*)::int AS n, min(created_at) AS oldest FROM channel_inbound
               WHERE status = 'queued' GROUP BY channel_id) i ON i.channel_id = c.id
             LEFT JOIN (SELECT channel_id, count(*)::int AS n, min(created_at) AS oldest FROM channel_outbound
               WHERE status = 'queued' GROUP BY channel_id) o ON o.channel_id = c.id
             ORDER BY c.kind, a.name, c.id`,
          [],
        )
      ).map(toQueueStats),
    listOutbound: (channelId, filter = {}) =>
      outbound(
        `SELECT * FROM channel_outbound WHERE channel_id = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY created_at, id`,
        [channelId, filter.status ?? null],
      ),
  };
}

interface QueueStatsRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  agent_name: string;
  kind: string;
  inbound_queued: number;
  oldest_inbound_at: Date | null;
  outbound_queued: number;
  oldest_outbound_at: Date | null;
}

function toQueueStats(row: QueueStatsRow): ChannelQueueStats {
  return {
    channelId: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    kind: row.kind,
    inboundQueued: row.inbound_queued,
    oldestInboundAt: row.oldest_inbound_at && iso(row.oldest_inbound_at),
    outboundQueued: row.outbound_queued,
    oldestOutboundAt: row.oldest_outbound_at && iso(row.oldest_outbound_at),
  };
}

function toChannel(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    kind: row.kind,
    settings: row.settings,
    sealedSecrets: Buffer.from(row.sealed_secrets),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function toInbound(row: InboundRow): ChannelInboundRow {
  return {
    id: row.id,
    channelId: row.channel_id,
    providerMessageId: row.provider_message_id,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    createdAt: iso(row.created_at),
  };
}

function toOutbound(row: OutboundRow): ChannelOutboundRow {
  return {
    id: row.id,
    channelId: row.channel_id,
    idempotencyKey: row.idempotency_key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    error: row.error,
    providerMessageId: row.provider_message_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
