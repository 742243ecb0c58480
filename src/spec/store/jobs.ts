// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";

export type JobStatus = "queued" | "running" | "paused" | "succeeded" | "failed" | "cancelled";

export interface Job {
  id: string;
  tenantId: string | null;
  /** What worker runs it, e.g. `synth`, `train`, `eval`. */
  kind: string;
  status: JobStatus;
  payload: JsonValue;
  /** The worker's resumable state; replaced whole by `checkpoint`. */
  checkpoint: JsonValue;
  /** 0..1 */
  progress: number;
  error: string | null;
  attempts: number;
  /** Who holds the lease while running, and until when. */
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Most jobs one `claimable` call returns (a larger `limit` is a ValidationError). */
export const maxClaimableJobs = 1000;

export interface JobsRepository {
  enqueue(input: { kind: string; tenantId?: string | null; payload: JsonValue }): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** Oldest first; `newest`: only the newest that many (still oldest first). */
  list(filter?: { kind?: string; status?: JobStatus; tenantId?: string; newest?: number }): Promise<Job[]>;
  /**
   * How many jobs of `kind` are unfinished (queued, running or paused), of
   * `tenantId` only when given. One count (one statement): for bounds checked
   * on every request, where listing the jobs would read and parse them all.
   */
  countUnfinished(filter: { kind: string; tenantId?: string }): Promise<number>;
  /**
   * The jobs `claim` would take now, of one of `kinds` (queued, or running
   * under an expired lease), in its order (oldest first), at most `limit`
   * (1 to `maxClaimableJobs`, else ValidationError): their ids and kinds
   * only. A read that claims nothing: another worker may take them first.
   * For a worker's poll: one statement whether or not there is work, and no
   * payloads read.
   */
  claimable(input: { kinds: string[]; limit: number }): Promise<Pick<Job, "id" | "kind">[]>;
  /**
   * Atomically takes the oldest `queued` job of one of `kinds` — or a
   * `running` one whose lease has expired (its worker died) — marks it
   * `running`, increments `attempts`, and leases it to `owner` for `leaseMs`.
   * With `id`, only that job is considered (a command resuming one job).
   * Two concurrent claimers never get the same job. Undefined when none.
   */
  claim(input: { kinds: string[]; owner: string; leaseMs: number; id?: string }): Promise<Job | undefined>;
  /**
   * Extends the lease. NotFoundError when the job is absent; StoreError(check)
   * when it is no longer `running` under `owner` (another worker took it over
   * after the lease expired, or an operator paused or cancelled it): the
   * worker should stop. An expired lease nobody has taken over still counts.
   */
  heartbeat(id: string, owner: string, leaseMs: number): Promise<void>;
  /** Replaces the checkpoint and progress (0..1, else StoreError(check)); same lease rule as heartbeat. */
  checkpoint(id: string, owner: string, checkpoint: JsonValue, progress: number): Promise<void>;
  /**
   * Ends a running job: `succeeded` (progress becomes 1), `failed` (with
   * error) or back to `queued`/`paused` (checkpoint kept, to resume from).
   * Releases the lease; same lease rule as heartbeat.
   */
  finish(
    id: string,
    owner: string,
    outcome: { status: "succeeded" | "failed" | "queued" | "paused"; error?: string },
  ): Promise<Job>;
  /**
   * Operator actions: pause (queued/running → paused), resume (paused →
   * queued), cancel (any unfinished → cancelled). Pausing or cancelling a
   * running job takes its lease away. Asking for the status the job already
   * has changes nothing; any other transition is StoreError(check).
   */
  setStatus(id: string, status: "paused" | "queued" | "cancelled"): Promise<Job>;
}
