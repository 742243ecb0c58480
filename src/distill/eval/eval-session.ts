/**
 * One worker's hold on an evaluation job, from claim to release: the lease
 * (heartbeats every third of it), each task's result written with the job's
 * checkpoint in one transaction (a written result is a done task: a SIGKILL
 * loses only the tasks in flight), and how the session ends. The same lease
 * rules as synthetic data's `JobSession`: stopping is one-way, the first
 * reason wins, and a lost lease (paused, cancelled, taken over) is noticed by
 * the next write or heartbeat.
 */
import { AlambiqueError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { isDiskFull } from "../pipeline/is-disk-full.js";
import { type EvalCheckpoint, readEvalCheckpoint } from "./eval-job-payload.js";
import type { EvalTaskResult } from "./eval-task-result.js";
import type { EvalTask } from "./plan-eval-tasks.js";

export type EvalStopReason = "interrupted" | "lease" | "disk_full" | "error" | "fatal";
export type EvalOutcome = "succeeded" | "paused" | "interrupted" | "cancelled" | "taken_over" | "failed";

export class EvalSession {
  readonly jobId: string;
  private readonly controller = new AbortController();
  private readonly startedAt = performance.now();
  private readonly base: EvalCheckpoint;
  private state: EvalCheckpoint;
  private heartbeat: NodeJS.Timeout | undefined;
  private reason: EvalStopReason | undefined;
  private cause: unknown;
  private readonly onInterrupt = () => this.stop("interrupted");

  constructor(
    private readonly options: {
      store: Store;
      job: Job;
      owner: string;
      leaseMs: number;
      signal?: AbortSignal | undefined;
    },
  ) {
    this.jobId = options.job.id;
    this.base = readEvalCheckpoint(options.job.checkpoint);
    this.state = { ...this.base, sessions: this.base.sessions + 1 };
    if (options.signal?.aborted) this.stop("interrupted");
    options.signal?.addEventListener("abort", this.onInterrupt, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  get checkpointState(): EvalCheckpoint {
    return { ...this.state, elapsedMs: this.elapsedMs() };
  }

  start(planned: number, done: number): Promise<void> {
    const { store, owner, leaseMs } = this.options;
    this.heartbeat = setInterval(
      () => {
        store.jobs.heartbeat(this.jobId, owner, leaseMs).catch(async (error: unknown) => {
          if (isDiskFull(error)) this.stop("disk_full", error);
          else if (await this.lostLease()) this.stop("lease", error);
        });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    this.heartbeat.unref();
    return this.checkpoint({ planned, done });
  }

  /** Writes a task's result with the checkpoint that counts it. Never throws: a failure stops the session. */
  async write(task: EvalTask, result: EvalTaskResult): Promise<void> {
    if (this.reason === "lease" || this.reason === "disk_full") return;
    try {
      await this.options.store.transaction(async (tx) => {
        const fresh = await tx.evaluations.putResult(this.jobId, {
          key: task.key,
          ordinal: task.ordinal,
          result: result as never,
        });
        const next = { ...this.state, done: this.state.done + (fresh ? 1 : 0) };
        await tx.jobs.checkpoint(this.jobId, this.options.owner, this.value(next), this.fraction(next));
        this.state = next;
      });
    } catch (error) {
      this.stop(isDiskFull(error) ? "disk_full" : (await this.lostLease()) ? "lease" : "error", error);
    }
  }

  /** Throws (and stops the session) when the checkpoint cannot be written. */
  async checkpoint(
    change: Partial<EvalCheckpoint>,
    tx: Pick<Store, "jobs"> = this.options.store,
  ): Promise<void> {
    const next = { ...this.state, ...change };
    try {
      await tx.jobs.checkpoint(this.jobId, this.options.owner, this.value(next), this.fraction(next));
      this.state = next;
    } catch (error) {
      this.stop(isDiskFull(error) ? "disk_full" : (await this.lostLease()) ? "lease" : "error", error);
      throw error;
    }
  }

  stop(reason: EvalStopReason, cause?: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.cause = cause;
    this.controller.abort(new DOMException(`the run stopped: ${reason}`, "AbortError"));
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.options.signal?.removeEventListener("abort", this.onInterrupt);
  }

  /** Releases the job as the session's end calls for, and says how it ended. */
  async end(): Promise<{ job: Job; outcome: EvalOutcome; error: string | null }> {
    const { store, owner } = this.options;
    const current = async () => (await store.jobs.get(this.jobId))!;
    if (this.reason === "lease") {
      const job = await current();
      const outcome =
        job.status === "paused" ? "paused" : job.status === "cancelled" ? "cancelled" : "taken_over";
      return { job, outcome, error: null };
    }
    const message = describe(this.cause);
    const [status, outcome, error]: ["succeeded" | "paused" | "failed", EvalOutcome, string | null] =
      this.reason === "interrupted"
        ? ["paused", "interrupted", "interrupted; resume it to go on"]
        : this.reason === "disk_full"
          ? [
              "paused",
              "paused",
              `the disk is full (${message}): every result written so far is kept; free space, then resume the job`,
            ]
          : this.reason === "error"
            ? ["paused", "paused", message]
            : this.reason === "fatal"
              ? ["failed", "failed", message]
              : ["succeeded", "succeeded", null];
    await this.checkpoint(status === "succeeded" ? { phase: "done" } : {}).catch(() => undefined);
    const job = await store.jobs
      .finish(this.jobId, owner, error === null ? { status } : { status, error })
      .catch(() => undefined);
    return { job: job ?? (await current()), outcome, error };
  }

  elapsedMs(): number {
    return Math.round(this.base.elapsedMs + performance.now() - this.startedAt);
  }

  private value(state: EvalCheckpoint): EvalCheckpoint {
    return { ...state, elapsedMs: this.elapsedMs() };
  }

  private fraction(state: EvalCheckpoint): number {
    return state.planned > 0 ? Math.min(1, state.done / state.planned) : 0;
  }

  private async lostLease(): Promise<boolean> {
    const job = await this.options.store.jobs.get(this.jobId).catch(() => undefined);
    return job?.status !== "running" || job.leaseOwner !== this.options.owner;
  }
}

function describe(error: unknown): string {
  if (AlambiqueError.isInstance(error))
    return error.hint ? `${error.message} (fix: ${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
