/**
 * One worker's hold on a synthetic-data job, from claim to release: the
 * lease (heartbeats every third of it), the running tallies that go into the
 * checkpoint, writing rows, and how the session ends.
 *
 * Stopping is one-way and the first reason wins: `stop()` aborts `signal`,
 * which every step and backoff listens to. Losing the lease (an operator
 * paused or cancelled the job, or another worker took it over) is noticed by
 * the next checkpoint or heartbeat.
 */
import type { SynthTask } from "../../spec/distill.js";
import { AlambiqueError, StoreError } from "../../spec/errors.js";
import type { Job, ModelRecord, Store } from "../../spec/store.js";
import { GroupCommitQueue } from "./group-commit-queue.js";
import { isDiskFull } from "./is-disk-full.js";
import type { ProducedRow } from "./produce-row.js";
import { readSynthCheckpoint, type SynthCheckpoint, type SynthJobPayload } from "./synth-job-payload.js";
import type { SynthOutcome, SynthProgress } from "./synth-progress.js";
import { synthCost } from "./synth-report.js";
import { SynthTallies } from "./synth-tallies.js";

export type StopReason = "interrupted" | "lease" | "disk_full" | "error" | "fatal";

export interface JobSessionOptions {
  store: Store;
  job: Job;
  payload: SynthJobPayload;
  owner: string;
  leaseMs: number;
  signal?: AbortSignal | undefined;
  /** Called after each group of rows is committed. */
  onCommit?: () => void;
}

/**
 * Most rows one commit takes: enough to amortise the disk sync (~4 ms here),
 * few enough that validating and inserting them (~100 µs a row) never holds
 * the event loop long enough to starve the model calls in flight.
 */
const maxGroup = 64;

export class JobSession {
  readonly jobId: string;
  private readonly tallies = new SynthTallies();
  private readonly controller = new AbortController();
  private readonly base: SynthCheckpoint;
  private readonly startedAt = performance.now();
  private prices: { teacher: ModelRecord | null; judge: ModelRecord | null } = { teacher: null, judge: null };
  private heartbeat: NodeJS.Timeout | undefined;
  private reason: StopReason | undefined;
  private cause: unknown;
  private datasetId: string | null;
  private readonly onInterrupt = () => this.stop("interrupted");
  private readonly queue: GroupCommitQueue<ProducedRow>;

  constructor(private readonly options: JobSessionOptions) {
    this.jobId = options.job.id;
    this.queue = new GroupCommitQueue((group) => this.commit(group), {
      maxGroup,
      maxPending: Math.max(64, options.payload.concurrency * 8),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
    });
    this.base = readSynthCheckpoint(options.job.checkpoint);
    this.datasetId = this.base.datasetId;
    if (options.signal?.aborted) this.stop("interrupted");
    options.signal?.addEventListener("abort", this.onInterrupt, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  setPrices(teacher: ModelRecord, judge: ModelRecord | null): void {
    this.prices = { teacher, judge };
  }

  /** Reads the tallies from the stored rows and starts the heartbeats. */
  async start(): Promise<void> {
    await this.refreshCounts();
    const { store, owner, leaseMs } = this.options;
    this.heartbeat = setInterval(
      () => {
        store.jobs.heartbeat(this.jobId, owner, leaseMs).catch(async (error: unknown) => {
          if (isDiskFull(error)) this.stop("disk_full", error);
          else if (await lostLease(store, this.jobId, owner)) this.stop("lease", error);
          // Anything else (a lock held a moment too long) is left to the next heartbeat.
        });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    this.heartbeat.unref();
    await this.checkpoint(this.planned > 0 ? "generating" : "planning");
  }

  /** Tasks in the stored plan (0 before planning). */
  get planned(): number {
    return this.tallies.planned;
  }

  async refreshCounts(): Promise<void> {
    this.tallies.load(await this.options.store.synth.counts(this.jobId));
  }

  async savePlan(tasks: SynthTask[]): Promise<void> {
    try {
      await this.options.store.synth.putPlan(this.jobId, tasks);
    } catch (error) {
      // Another worker planned it first (its plan is the same: planning is deterministic).
      if (!(StoreError.isInstance(error) && error.kind === "check")) throw error;
    }
    await this.refreshCounts();
    await this.checkpoint("generating");
  }

  async allDone(): Promise<boolean> {
    return (await this.options.store.synth.pendingTasks(this.jobId, { limit: 1 })).length === 0;
  }

  /**
   * Queues a finished row (see `GroupCommitQueue`): each group of rows goes
   * into one transaction with the checkpoint that counts them. A row is done
   * once committed; a crash loses at most the rows still queued, which the
   * next run redoes.
   */
  write(produced: ProducedRow): Promise<void> {
    return this.queue.push(produced);
  }

  /** Waits until every queued row is committed (or the session stopped writing). */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async commit(group: ProducedRow[]): Promise<void> {
    const { store, owner } = this.options;
    if (this.reason === "disk_full") return;
    if (this.reason === "lease") return this.putWithoutLease(group);
    // Transactions run one at a time, so the tallies move with exactly the rows committed.
    const counted: ProducedRow[] = [];
    try {
      await store.transaction(async (tx) => {
        for (const produced of group) {
          if (!(await tx.synth.putRow(this.jobId, produced.row, produced.judgeUsage))) continue;
          this.tallies.count(produced, 1);
          counted.push(produced);
        }
        await tx.jobs.checkpoint(
          this.jobId,
          owner,
          this.checkpointValue("generating"),
          this.tallies.fraction(),
        );
      });
    } catch (error) {
      for (const produced of counted) this.tallies.count(produced, -1);
      if (isDiskFull(error)) return this.stop("disk_full", error);
      if (await lostLease(store, this.jobId, owner)) {
        this.stop("lease", error);
        return this.putWithoutLease(group);
      }
      this.stop("error", error);
    }
  }

  /** Work done is kept even when the lease went: the rows are valid and their keys unique. */
  private async putWithoutLease(group: ProducedRow[]): Promise<void> {
    await this.options.store
      .transaction(async (tx) => {
        for (const { row, judgeUsage } of group) await tx.synth.putRow(this.jobId, row, judgeUsage);
      })
      .catch(() => undefined);
  }

  /** Throws when the lease is gone (and stops the session). */
  async checkpoint(phase: SynthCheckpoint["phase"]): Promise<void> {
    const { store, owner } = this.options;
    try {
      await store.jobs.checkpoint(this.jobId, owner, this.checkpointValue(phase), this.tallies.fraction());
    } catch (error) {
      const reason = isDiskFull(error)
        ? "disk_full"
        : (await lostLease(store, this.jobId, owner))
          ? "lease"
          : "error";
      this.stop(reason, error);
      throw error;
    }
  }

  setDataset(id: string): void {
    this.datasetId = id;
  }

  progress(phase: SynthProgress["phase"]): SynthProgress {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const t = this.tallies;
    const rate = seconds > 0 ? t.written / seconds : 0;
    return {
      phase,
      planned: t.planned,
      rows: t.rows,
      kept: t.kept,
      dropped: t.dropped,
      rowsPerSecond: rate,
      etaSeconds: rate > 0 ? Math.max(0, t.planned - t.rows) / rate : null,
      elapsedMs: this.elapsedMs(),
      costUsd: this.cost(),
    };
  }

  stop(reason: StopReason, cause?: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.cause = cause;
    this.controller.abort(new DOMException(`the run stopped: ${reason}`, "AbortError"));
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.options.signal?.removeEventListener("abort", this.onInterrupt);
  }

  /**
   * Releases the job as the session's end calls for, and says how it ended.
   * When even that write fails (a disk still full), the job stays `running`
   * until its lease expires, and the next worker takes it over.
   */
  async end(): Promise<{ job: Job; outcome: SynthOutcome; error: string | null }> {
    const { store, owner } = this.options;
    const current = async () => (await store.jobs.get(this.jobId))!;
    if (this.reason === "lease") {
      const job = await current();
      const outcome =
        job.status === "paused" ? "paused" : job.status === "cancelled" ? "cancelled" : "taken_over";
      return { job, outcome, error: null };
    }
    const { status, outcome, error } = this.ending();
    await this.checkpoint(status === "succeeded" ? "done" : "generating").catch(() => undefined);
    const job = await store.jobs
      .finish(this.jobId, owner, error === null ? { status } : { status, error })
      .catch(() => undefined);
    return { job: job ?? (await current()), outcome, error };
  }

  private ending(): {
    status: "succeeded" | "paused" | "failed";
    outcome: SynthOutcome;
    error: string | null;
  } {
    const message = describe(this.cause);
    switch (this.reason) {
      case "interrupted":
        return { status: "paused", outcome: "interrupted", error: "interrupted; resume it to go on" };
      case "disk_full": {
        const detail = this.cause instanceof Error ? this.cause.message : message;
        const error = `the disk is full (${detail}): every row written so far is kept; free space, then resume the job`;
        return { status: "paused", outcome: "paused", error };
      }
      case "error":
        return { status: "paused", outcome: "paused", error: message };
      case "fatal":
        return { status: "failed", outcome: "failed", error: message };
      default:
        return { status: "succeeded", outcome: "succeeded", error: null };
    }
  }

  private checkpointValue(phase: SynthCheckpoint["phase"]): SynthCheckpoint {
    const t = this.tallies;
    return {
      phase,
      planned: t.planned,
      rows: t.rows,
      kept: t.kept,
      dropped: t.dropped,
      usage: t.usageCopy(),
      costUsd: this.cost(),
      elapsedMs: this.elapsedMs(),
      sessions: this.base.sessions + 1,
      datasetId: this.datasetId,
    };
  }

  private elapsedMs(): number {
    return Math.round(this.base.elapsedMs + performance.now() - this.startedAt);
  }

  private cost(): number | null {
    return synthCost(this.tallies.usage, this.prices, this.options.payload.judge !== null).total;
  }
}

/**
 * The one test of a lost lease, for every runner of a job (synthetic data
 * here, training in `distill/training`), after a write that needs the lease
 * (heartbeat, checkpoint, a commit with its checkpoint) failed. The job's row
 * decides, not the error: the store refuses those writes with `StoreError`
 * "check" (paused, cancelled, taken over) or `NotFoundError` (removed), but a
 * commit's "check" can also be one of its rows' own. A row that cannot be
 * read counts as lost.
 */
export async function lostLease(store: Pick<Store, "jobs">, jobId: string, owner: string): Promise<boolean> {
  const job = await store.jobs.get(jobId).catch(() => undefined);
  return job?.status !== "running" || job.leaseOwner !== owner;
}

function describe(error: unknown): string {
  if (AlambiqueError.isInstance(error))
    return error.hint ? `${error.message} (fix: ${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
