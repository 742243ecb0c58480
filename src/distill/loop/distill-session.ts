/**
 * One worker's hold on a distillation loop, from claim to release: the lease
 * (heartbeats every third of it while the sub-jobs run), the checkpoint
 * (stage and sub-job ids, written as each stage starts a sub-job and as it
 * ends), and how the session ends. Stopping is one-way: Ctrl-C (`signal`) or
 * a lost lease aborts `signal`, which every sub-job runs under, so the
 * sub-job in flight pauses itself at its own last checkpoint.
 */
import { AlambiqueError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Job, Store } from "../../spec/store.js";
import { lostLease } from "../pipeline/job-session.js";
import type { DistillOutcome, DistillStop } from "./distill-event.js";
import {
  DISTILL_STAGES,
  type DistillCheckpoint,
  type DistillJobPayload,
  readDistillCheckpoint,
} from "./distill-job-payload.js";

export class DistillSession {
  readonly jobId: string;
  private readonly controller = new AbortController();
  private state: DistillCheckpoint;
  private heartbeat: NodeJS.Timeout | undefined;
  private reason: "interrupted" | "lease" | undefined;
  private readonly onInterrupt = () => this.halt("interrupted");

  constructor(
    private readonly options: {
      store: Store;
      job: Job;
      payload: DistillJobPayload;
      owner: string;
      leaseMs: number;
      signal?: AbortSignal | undefined;
    },
  ) {
    this.jobId = options.job.id;
    const base = readDistillCheckpoint(options.job.checkpoint, options.payload);
    this.state = { ...base, sessions: base.sessions + 1 };
    if (options.signal?.aborted) this.halt("interrupted");
    options.signal?.addEventListener("abort", this.onInterrupt, { once: true });
  }

  /** Aborted on Ctrl-C or a lost lease: the sub-jobs run under it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get checkpointState(): DistillCheckpoint {
    return this.state;
  }

  /** Starts the heartbeats and records the new session. Throws when the checkpoint cannot be written. */
  async start(): Promise<void> {
    const { store, owner, leaseMs } = this.options;
    this.heartbeat = setInterval(
      () => {
        store.jobs.heartbeat(this.jobId, owner, leaseMs).catch(async () => {
          if (await lostLease(store, this.jobId, owner)) this.halt("lease");
        });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    this.heartbeat.unref();
    await this.checkpoint({});
  }

  /** Throws when the checkpoint cannot be written (a lost lease stops the session too). */
  async checkpoint(change: Partial<DistillCheckpoint>): Promise<void> {
    const { store, owner } = this.options;
    const next = { ...this.state, ...change };
    try {
      await store.jobs.checkpoint(this.jobId, owner, next as unknown as JsonValue, fraction(next));
      this.state = next;
    } catch (error) {
      if (await lostLease(store, this.jobId, owner)) this.halt("lease");
      throw error;
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.options.signal?.removeEventListener("abort", this.onInterrupt);
  }

  /**
   * Releases the loop as its end calls for: succeeded when every stage ran,
   * paused when it can go on (interrupted, a sub-job paused, an error to fix
   * first), failed when a sub-job failed for good. A lost lease leaves the job
   * as whoever took it left it.
   */
  async end(stop: DistillStop | null): Promise<{ job: Job; outcome: DistillOutcome }> {
    const { store, owner } = this.options;
    const current = async () => (await store.jobs.get(this.jobId))!;
    if (this.reason === "lease") {
      const job = await current();
      const outcome =
        job.status === "paused" ? "paused" : job.status === "cancelled" ? "cancelled" : "taken_over";
      return { job, outcome };
    }
    const outcome: DistillOutcome =
      this.reason === "interrupted" ? "interrupted" : stop === null ? "succeeded" : stop.outcome;
    const status =
      outcome === "succeeded"
        ? "succeeded"
        : outcome === "failed" || outcome === "cancelled"
          ? "failed"
          : "paused";
    const error =
      stop === null
        ? outcome === "interrupted"
          ? "interrupted; resume it to go on"
          : null
        : `stage ${stop.stage}${stop.jobId ? ` (job ${stop.jobId})` : ""}: ${stop.error ?? stop.outcome}`;
    const job = await store.jobs
      .finish(this.jobId, owner, error === null ? { status } : { status, error })
      .catch(() => undefined);
    return { job: job ?? (await current()), outcome };
  }

  private halt(reason: "interrupted" | "lease"): void {
    this.reason ??= reason;
    this.controller.abort(new DOMException(`the loop stopped: ${reason}`, "AbortError"));
  }
}

/** Stages finished, as a share of all: the sub-jobs report their own progress. */
function fraction(state: DistillCheckpoint): number {
  if (state.stage === "done") return 1;
  return DISTILL_STAGES.indexOf(state.stage) / DISTILL_STAGES.length;
}

/** An error as a person should read it: the message and its fix. */
export function describeError(error: unknown): string {
  if (AlambiqueError.isInstance(error))
    return error.hint ? `${error.message} (fix: ${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
