/**
 * The job queue. Lease rules: a job is `running` exactly while a worker
 * (`lease_owner`) holds its lease; `heartbeat`, `checkpoint` and `finish`
 * require that the caller still holds it — and throw `StoreError("check")`
 * otherwise (the lease was taken over after expiring, or an operator paused or
 * cancelled the job), which tells the worker to stop. An expired lease that
 * nobody has taken over yet still counts as held.
 */
import type { Database } from "better-sqlite3";
import { NotFoundError, StoreError, ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import { maxClaimableJobs } from "../../spec/store/jobs.js";
import type { Job, JobStatus } from "../../spec/store.js";
import { assertLeaseMs, JOB_LEASE_HINT } from "../assert-lease-ms.js";
import { newId } from "../ids.js";
import { assertLimit } from "./assert-limit.js";
import { fromJsonText, isoAfter, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface JobRow {
  id: string;
  tenant_id: string | null;
  kind: string;
  status: JobStatus;
  payload: string;
  checkpoint: string;
  progress: number;
  error: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

type Jobs = SyncRepositories["jobs"];
type FinishStatus = Parameters<Jobs["finish"]>[2]["status"];
type OperatorStatus = Parameters<Jobs["setStatus"]>[1];

const finishStatuses: readonly string[] = [
  "succeeded",
  "failed",
  "queued",
  "paused",
] satisfies FinishStatus[];

/** For each operator action: the statuses it may start from. */
const operatorTransitions: Record<OperatorStatus, readonly JobStatus[]> = {
  paused: ["queued", "running"],
  queued: ["paused"],
  cancelled: ["queued", "running", "paused"],
};

export function createSqliteJobs(db: Database): Jobs {
  const insert = db.prepare<[string, string | null, string, string, string, string], JobRow>(
    `INSERT INTO jobs (id, tenant_id, kind, status, payload, checkpoint, progress, attempts, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', ?, 'null', 0, 0, ?, ?) RETURNING *`,
  );
  const byId = db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE id = ?");
  const filtered = db.prepare<
    [{ kind: string | null; status: string | null; tenantId: string | null; newest: number }],
    JobRow
  >(
    `SELECT * FROM (
       SELECT * FROM jobs
       WHERE (@kind IS NULL OR kind = @kind)
         AND (@status IS NULL OR status = @status)
         AND (@tenantId IS NULL OR tenant_id = @tenantId)
       ORDER BY created_at DESC, id DESC LIMIT @newest
     ) ORDER BY created_at, id`,
  );
  const unfinished = db.prepare<[{ kind: string; tenantId: string | null }], { n: number }>(
    `SELECT count(*) AS n FROM jobs
     WHERE kind = @kind AND status IN ('queued', 'running', 'paused') AND (@tenantId IS NULL OR tenant_id = @tenantId)`,
  );
  const claimable = db.prepare<[{ kinds: string; now: string; limit: number }], { id: string; kind: string }>(
    `SELECT id, kind FROM jobs
     WHERE kind IN (SELECT value FROM json_each(@kinds))
       AND (status = 'queued' OR (status = 'running' AND lease_expires_at < @now))
     ORDER BY created_at, id LIMIT @limit`,
  );
  // One statement, run under BEGIN IMMEDIATE: the write lock is held from the
  // choice of the job to its update, so two claimers cannot pick the same one.
  const claim = db.prepare<
    [{ kinds: string; owner: string; expires: string; now: string; id: string | null }],
    JobRow
  >(
    `UPDATE jobs
     SET status = 'running', attempts = attempts + 1, lease_owner = @owner, lease_expires_at = @expires,
         updated_at = @now
     WHERE id = (
       SELECT id FROM jobs
       WHERE kind IN (SELECT value FROM json_each(@kinds))
         AND (@id IS NULL OR id = @id)
         AND (status = 'queued' OR (status = 'running' AND lease_expires_at < @now))
       ORDER BY created_at, id
       LIMIT 1)
     RETURNING *`,
  );
  const heartbeat = db.prepare<[string, string, string, string]>(
    `UPDATE jobs SET lease_expires_at = ?, updated_at = ?
     WHERE id = ? AND status = 'running' AND lease_owner = ?`,
  );
  const checkpoint = db.prepare<[string, number, string, string, string]>(
    `UPDATE jobs SET checkpoint = ?, progress = ?, updated_at = ?
     WHERE id = ? AND status = 'running' AND lease_owner = ?`,
  );
  const finish = db.prepare<
    [{ status: string; error: string | null; now: string; id: string; owner: string }],
    JobRow
  >(
    `UPDATE jobs
     SET status = @status, error = @error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now,
         progress = CASE WHEN @status = 'succeeded' THEN 1 ELSE progress END
     WHERE id = @id AND status = 'running' AND lease_owner = @owner
     RETURNING *`,
  );
  const setStatus = db.prepare<[string, string, string], JobRow>(
    `UPDATE jobs SET status = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
     WHERE id = ? RETURNING *`,
  );

  const claimTransaction = db.transaction(
    (kinds: string[], owner: string, leaseMs: number, id: string | null) =>
      claim.get({ kinds: JSON.stringify(kinds), owner, expires: isoAfter(leaseMs), now: nowIso(), id }),
  );
  const setStatusTransaction = db.transaction((id: string, status: OperatorStatus): Job => {
    const current = byId.get(id);
    if (!current) throw new NotFoundError("job", id);
    if (current.status === status) return toJob(current);
    if (!operatorTransitions[status].includes(current.status)) {
      throw new StoreError("check", `job ${id} is ${current.status}; it cannot be set to ${status}`, {
        hint: "Pause queued or running jobs, resume (queue) paused ones, cancel unfinished ones.",
      });
    }
    return toJob(setStatus.get(status, nowIso(), id)!);
  });

  /** Why a lease-holder operation on `id` matched no row. */
  function leaseLost(id: string, owner: string): Error {
    const job = byId.get(id);
    if (!job) return new NotFoundError("job", id);
    const holder =
      job.lease_owner === null ? "nobody holds its lease" : `its lease is held by ${job.lease_owner}`;
    return new StoreError("check", `job ${id} is not leased to ${owner}: it is ${job.status} and ${holder}`, {
      hint: "Stop working on this job: its lease expired and another worker took it, or an operator paused or cancelled it.",
    });
  }

  return {
    enqueue({ kind, tenantId, payload }) {
      const now = nowIso();
      return toJob(insert.get(newId(), tenantId ?? null, kind, toJsonText(payload, "payload"), now, now)!);
    },
    get(id) {
      const row = byId.get(id);
      return row && toJob(row);
    },
    list: (filter = {}) =>
      filtered
        .all({
          kind: filter.kind ?? null,
          status: filter.status ?? null,
          tenantId: filter.tenantId ?? null,
          newest: filter.newest ?? -1, // LIMIT -1: no limit
        })
        .map(toJob),
    countUnfinished: ({ kind, tenantId }) => unfinished.get({ kind, tenantId: tenantId ?? null })!.n,
    claimable({ kinds, limit }) {
      assertLimit(limit, maxClaimableJobs);
      return claimable.all({ kinds: JSON.stringify(kinds), now: nowIso(), limit });
    },
    claim({ kinds, owner, leaseMs, id }) {
      assertLeaseMs(leaseMs, JOB_LEASE_HINT);
      if (kinds.length === 0) return undefined;
      const row = claimTransaction.immediate(kinds, owner, leaseMs, id ?? null);
      return row && toJob(row);
    },
    heartbeat(id, owner, leaseMs) {
      assertLeaseMs(leaseMs, JOB_LEASE_HINT);
      if (heartbeat.run(isoAfter(leaseMs), nowIso(), id, owner).changes === 0) throw leaseLost(id, owner);
    },
    checkpoint(id, owner, state, progress) {
      const text = toJsonText(state, "checkpoint");
      if (checkpoint.run(text, progress, nowIso(), id, owner).changes === 0) throw leaseLost(id, owner);
    },
    finish(id, owner, outcome) {
      if (!finishStatuses.includes(outcome.status)) {
        throw new ValidationError(
          `a job cannot finish as ${outcome.status}`,
          [{ path: ["status"], message: `expected one of ${finishStatuses.join(", ")}` }],
          "Use setStatus to cancel a job.",
        );
      }
      const row = finish.get({
        status: outcome.status,
        error: outcome.error ?? null,
        now: nowIso(),
        id,
        owner,
      });
      if (!row) throw leaseLost(id, owner);
      return toJob(row);
    },
    setStatus(id, status) {
      if (!Object.hasOwn(operatorTransitions, status)) {
        throw new ValidationError(
          `a job cannot be set to ${status}`,
          [{ path: ["status"], message: "expected paused, queued or cancelled" }],
          "Operators pause (paused), resume (queued) or cancel (cancelled) jobs.",
        );
      }
      return setStatusTransaction.immediate(id, status);
    },
  };
}

/** How long a worker should hold a job. */
function toJob(row: JobRow): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    status: row.status,
    payload: fromJsonText<JsonValue>(row.payload),
    checkpoint: fromJsonText<JsonValue>(row.checkpoint),
    progress: row.progress,
    error: row.error,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
