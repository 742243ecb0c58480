/**
 * The job queue on PostgreSQL, with the lease rules of the SQLite one (see
 * sqlite-jobs.ts). A claim is one statement: the oldest claimable job is
 * chosen with `FOR UPDATE SKIP LOCKED`, so workers on any number of machines
 * claim concurrently without waiting on each other, and never get one job twice.
 */
import { NotFoundError, StoreError, ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import { maxClaimableJobs } from "../../spec/store/jobs.js";
import type { Job, JobStatus, StoreRepositories } from "../../spec/store.js";
import { assertLeaseMs, JOB_LEASE_HINT } from "../assert-lease-ms.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, iso, isoAfter, isoOrNull, nowIso, toJsonText } from "./postgres-values.js";

interface JobRow {
  id: string;
  tenant_id: string | null;
  kind: string;
  status: JobStatus;
  payload: JsonValue;
  checkpoint: JsonValue;
  progress: number;
  error: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

type Jobs = StoreRepositories["jobs"];
type OperatorStatus = Parameters<Jobs["setStatus"]>[1];

const finishStatuses: readonly string[] = ["succeeded", "failed", "queued", "paused"];

/** For each operator action: the statuses it may start from. */
const operatorTransitions: Record<OperatorStatus, readonly JobStatus[]> = {
  paused: ["queued", "running"],
  queued: ["paused"],
  cancelled: ["queued", "running", "paused"],
};

export function createPostgresJobs(sql: Sql): Jobs {
  const rows = async (text: string, values: unknown[], on: Sql = sql) =>
    (await on.query<JobRow>(text, values)).map(toJob);

  /** Why a lease-holder operation on `id` matched no row. */
  async function leaseLost(id: string, owner: string): Promise<Error> {
    const [job] = await rows("SELECT * FROM jobs WHERE id = $1", [id]);
    if (!job) return new NotFoundError("job", id);
    const holder =
      job.leaseOwner === null ? "nobody holds its lease" : `its lease is held by ${job.leaseOwner}`;
    return new StoreError("check", `job ${id} is not leased to ${owner}: it is ${job.status} and ${holder}`, {
      hint: "Stop working on this job: its lease expired and another worker took it, or an operator paused or cancelled it.",
    });
  }

  return {
    async enqueue({ kind, tenantId, payload }) {
      const [job] = await rows(
        `INSERT INTO jobs (id, tenant_id, kind, status, payload, checkpoint, progress, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4, 'null', 0, 0, $5, $5) RETURNING *`,
        [newId(), tenantId ?? null, kind, toJsonText(payload, "payload"), nowIso()],
      );
      return job!;
    },
    get: async (id) => (await rows("SELECT * FROM jobs WHERE id = $1", [id]))[0],
    list: (filter = {}) =>
      rows(
        `SELECT * FROM (
           SELECT * FROM jobs
           WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2)
             AND ($3::text IS NULL OR tenant_id = $3)
           ORDER BY created_at DESC, id DESC LIMIT $4
         ) newest ORDER BY created_at, id`,
        [filter.kind ?? null, filter.status ?? null, filter.tenantId ?? null, filter.newest ?? null],
      ),
    async countUnfinished({ kind, tenantId }) {
      const [row] = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jobs
         WHERE kind = $1 AND status IN ('queued', 'running', 'paused') AND ($2::text IS NULL OR tenant_id = $2)`,
        [kind, tenantId ?? null],
      );
      return row!.n;
    },
    claimable: async ({ kinds, limit }) => {
      assertLimit(limit, maxClaimableJobs);
      return sql.query<{ id: string; kind: string }>(
        `SELECT id, kind FROM jobs
         WHERE kind = ANY($1::text[]) AND (status = 'queued' OR (status = 'running' AND lease_expires_at < $2))
         ORDER BY created_at, id LIMIT $3`,
        [kinds, nowIso(), limit],
      );
    },
    async claim({ kinds, owner, leaseMs, id }) {
      assertLeaseMs(leaseMs, JOB_LEASE_HINT);
      if (kinds.length === 0) return undefined;
      const [job] = await rows(
        `UPDATE jobs
         SET status = 'running', attempts = attempts + 1, lease_owner = $2, lease_expires_at = $3, updated_at = $4
         WHERE id = (
           SELECT id FROM jobs
           WHERE kind = ANY($1::text[]) AND ($5::text IS NULL OR id = $5)
             AND (status = 'queued' OR (status = 'running' AND lease_expires_at < $4))
           ORDER BY created_at, id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [kinds, owner, isoAfter(leaseMs), nowIso(), id ?? null],
      );
      return job;
    },
    async heartbeat(id, owner, leaseMs) {
      assertLeaseMs(leaseMs, JOB_LEASE_HINT);
      const done = await sql.query(
        `UPDATE jobs SET lease_expires_at = $1, updated_at = $2
         WHERE id = $3 AND status = 'running' AND lease_owner = $4 RETURNING id`,
        [isoAfter(leaseMs), nowIso(), id, owner],
      );
      if (done.length === 0) throw await leaseLost(id, owner);
    },
    async checkpoint(id, owner, state, progress) {
      const done = await sql.query(
        `UPDATE jobs SET checkpoint = $1, progress = $2, updated_at = $3
         WHERE id = $4 AND status = 'running' AND lease_owner = $5 RETURNING id`,
        [toJsonText(state, "checkpoint"), progress, nowIso(), id, owner],
      );
      if (done.length === 0) throw await leaseLost(id, owner);
    },
    async finish(id, owner, outcome) {
      if (!finishStatuses.includes(outcome.status)) {
        throw new ValidationError(
          `a job cannot finish as ${outcome.status}`,
          [{ path: ["status"], message: `expected one of ${finishStatuses.join(", ")}` }],
          "Use setStatus to cancel a job.",
        );
      }
      const [job] = await rows(
        `UPDATE jobs
         SET status = $1, error = $2, lease_owner = NULL, lease_expires_at = NULL, updated_at = $3,
             progress = CASE WHEN $1 = 'succeeded' THEN 1 ELSE progress END
         WHERE id = $4 AND status = 'running' AND lease_owner = $5
         RETURNING *`,
        [outcome.status, outcome.error ?? null, nowIso(), id, owner],
      );
      if (!job) throw await leaseLost(id, owner);
      return job;
    },
    async setStatus(id, status) {
      if (!Object.hasOwn(operatorTransitions, status)) {
        throw new ValidationError(
          `a job cannot be set to ${status}`,
          [{ path: ["status"], message: "expected paused, queued or cancelled" }],
          "Operators pause (paused), resume (queued) or cancel (cancelled) jobs.",
        );
      }
      return sql.atomic(async (tx) => {
        const [current] = await rows("SELECT * FROM jobs WHERE id = $1 FOR UPDATE", [id], tx);
        if (!current) throw new NotFoundError("job", id);
        if (current.status === status) return current;
        if (!operatorTransitions[status].includes(current.status)) {
          throw new StoreError("check", `job ${id} is ${current.status}; it cannot be set to ${status}`, {
            hint: "Pause queued or running jobs, resume (queue) paused ones, cancel unfinished ones.",
          });
        }
        const [job] = await rows(
          `UPDATE jobs SET status = $1, lease_owner = NULL, lease_expires_at = NULL, updated_at = $2
           WHERE id = $3 RETURNING *`,
          [status, nowIso(), id],
          tx,
        );
        return job!;
      });
    },
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    status: row.status,
    payload: row.payload,
    checkpoint: row.checkpoint,
    progress: row.progress,
    error: row.error,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: isoOrNull(row.lease_expires_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
