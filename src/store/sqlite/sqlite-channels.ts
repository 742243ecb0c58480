/**
 * Channels and their queues. Claims are read-then-write, so each runs in one
 * IMMEDIATE transaction: two processes on one file never claim the same row.
 */
import type { Database } from "better-sqlite3";
import { NotFoundError, ValidationError } from "../../spec/errors.js";
import type {
  ChannelInboundRow,
  ChannelOutboundRow,
  ChannelQueueStats,
  ChannelRecord,
} from "../../spec/store.js";
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

export function createSqliteChannels(db: Database): SyncRepositories["channels"] {
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare<unknown[], T>(sql).get(...args);
  const all = <T>(sql: string, ...args: unknown[]) => db.prepare<unknown[], T>(sql).all(...args);
  const immediate = <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn).immediate());
  return {
    create(input) {
      const now = nowIso();
      return toChannel(
        one<ChannelRow>(
          `INSERT INTO channels (id, tenant_id, agent_id, kind, settings, sealed_secrets, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
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
      const row = one<ChannelRow>("SELECT * FROM channels WHERE tenant_id = ? AND id = ?", tenantId, id);
      return row && toChannel(row);
    },
    find(id) {
      const row = one<ChannelRow>("SELECT * FROM channels WHERE id = ?", id);
      return row && toChannel(row);
    },
    list(tenantId, filter = {}) {
      return all<ChannelRow>(
        "SELECT * FROM channels WHERE tenant_id = ? AND (? IS NULL OR agent_id = ?) ORDER BY created_at, id",
        tenantId,
        filter.agentId ?? null,
        filter.agentId ?? null,
      ).map(toChannel);
    },
    remove(tenantId, id) {
      const result = db.prepare("DELETE FROM channels WHERE tenant_id = ? AND id = ?").run(tenantId, id);
      if (result.changes === 0) throw new NotFoundError("channel", id);
    },
    receive(input) {
      const result = db
        .prepare(
          `INSERT INTO channel_inbound (id, channel_id, provider_message_id, payload, status, created_at)
           VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT (channel_id, provider_message_id) DO NOTHING`,
        )
        .run(
          newId(),
          input.channelId,
          input.providerMessageId,
          toJsonText(input.payload, "payload"),
          nowIso(),
        );
      return result.changes === 1;
    },
    claimInbound({ leaseMs, limit }) {
      positive(leaseMs, "leaseMs");
      return immediate(() => {
        const now = nowIso();
        const rows = all<InboundRow>(
          `SELECT * FROM channel_inbound WHERE status = 'queued' AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY created_at, id LIMIT ?`,
          now,
          limit,
        );
        const claim = db.prepare(
          "UPDATE channel_inbound SET attempts = attempts + 1, lease_until = ? WHERE id = ?",
        );
        for (const row of rows) claim.run(isoAfter(leaseMs), row.id);
        return rows.map((row) => toInbound({ ...row, attempts: row.attempts + 1 }));
      });
    },
    finishInbound(id, error) {
      const result = db
        .prepare("UPDATE channel_inbound SET status = ?, error = ?, lease_until = NULL WHERE id = ?")
        .run(error === undefined ? "done" : "failed", error ?? null, id);
      if (result.changes === 0) throw new NotFoundError("channel event", id);
    },
    enqueueOutbound(input) {
      return immediate(() => {
        const now = nowIso();
        db.prepare(
          `INSERT INTO channel_outbound (id, channel_id, idempotency_key, payload, status, next_attempt_at,
             created_at, updated_at)
           VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (channel_id, idempotency_key) DO NOTHING`,
        ).run(
          newId(),
          input.channelId,
          input.idempotencyKey,
          toJsonText(input.payload, "payload"),
          now,
          now,
          now,
        );
        return toOutbound(
          one<OutboundRow>(
            "SELECT * FROM channel_outbound WHERE channel_id = ? AND idempotency_key = ?",
            input.channelId,
            input.idempotencyKey,
          )!,
        );
      });
    },
    claimOutbound({ leaseMs, limit }) {
      positive(leaseMs, "leaseMs");
      return immediate(() => {
        const rows = all<OutboundRow>(
          `SELECT * FROM channel_outbound WHERE status = 'queued' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?`,
          nowIso(),
          limit,
        );
        const until = isoAfter(leaseMs);
        const claim = db.prepare(
          "UPDATE channel_outbound SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
        );
        for (const row of rows) claim.run(until, row.id);
        return rows.map((row) => toOutbound({ ...row, attempts: row.attempts + 1, next_attempt_at: until }));
      });
    },
    settleOutbound(id, settlement) {
      const now = nowIso();
      const [status, next, error, providerId] =
        "sent" in settlement
          ? ["sent", now, null, settlement.sent]
          : "retryAt" in settlement
            ? ["queued", settlement.retryAt, settlement.error, null]
            : ["failed", now, settlement.failed, null];
      const row = one<OutboundRow>(
        `UPDATE channel_outbound SET status = ?, next_attempt_at = ?, error = ?,
           provider_message_id = coalesce(?, provider_message_id), updated_at = ?
         WHERE id = ? RETURNING *`,
        status,
        next,
        error,
        providerId,
        now,
        id,
      );
      if (!row) throw new NotFoundError("channel message", id);
      return toOutbound(row);
    },
    queueStats() {
      // Only queued rows are read (the `(status, …)` indexes); the channels themselves are few.
      return all<QueueStatsRow>(
        `SELECT c.id, c.tenant_id, c.agent_id, a.name AS agent_name, c.kind,
             coalesce(i.n, 0) AS inbound_queued, i.oldest AS oldest_inbound_at,
             coalesce(o.n, 0) AS outbound_queued, o.oldest AS oldest_outbound_at
           FROM channels c JOIN agents a ON a.id = c.agent_id
           LEFT JOIN (SELECT channel_id, count(*) AS n, min(created_at) AS oldest FROM channel_inbound
             WHERE status = 'queued' GROUP BY channel_id) i ON i.channel_id = c.id
           LEFT JOIN (SELECT channel_id, count(*) AS n, min(created_at) AS oldest FROM channel_outbound
             WHERE status = 'queued' GROUP BY channel_id) o ON o.channel_id = c.id
           ORDER BY c.kind, a.name, c.id`,
      ).map(toQueueStats);
    },
    listOutbound(channelId, filter = {}) {
      return all<OutboundRow>(
        `SELECT * FROM channel_outbound WHERE channel_id = ? AND (? IS NULL OR status = ?)
         ORDER BY created_at, id`,
        channelId,
        filter.status ?? null,
        filter.status ?? null,
      ).map(toOutbound);
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

function positive(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(
      `${name} must be a positive number of milliseconds: got ${value}`,
      [{ path: [name], message: "not positive" }],
      "A lease is how long a worker holds what it claimed, e.g. 60000.",
    );
  }
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
