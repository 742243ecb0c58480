/**
 * The synthetic-data engine: runs one `synth` job of the store's job table to
 * its end, or until it is paused, cancelled, interrupted or the disk fills.
 *
 * 1. Claims the job (a lease, kept alive by heartbeats; see `JobSession`).
 * 2. Plans it once — the plan is stored, so a resumed run does the same tasks.
 * 3. Runs the tasks that have no row yet, `concurrency` at a time
 *    (`produceRow`: steps, judge, retries, per-call timeouts). Each finished
 *    row is written together with the job's checkpoint (progress, tokens,
 *    cost, time) in one transaction: a written row is a done task, and a
 *    SIGKILL loses at most the rows in flight, which the next run redoes.
 * 4. When every task has its row: near-duplicates are dropped, the dataset is
 *    made (`createDatasetFromJob`), and the job succeeds.
 *
 * Pause and cancel are operator actions on the job (`jobs.setStatus`) that
 * take the lease away; the next checkpoint or heartbeat notices, rows in
 * flight are abandoned, and what is written stays. `signal` (Ctrl-C) puts the
 * job back to `paused`. A full disk (the store's `full` error) stops the run
 * cleanly and pauses the job with the reason, keeping every row written.
 */
import { AlambiqueError, NotFoundError, ValidationError } from "../../spec/errors.js";
import type { Dataset, Job, Store } from "../../spec/store.js";
import { newLeaseOwner } from "./claim-job.js";
import { claimSynthJob } from "./claim-synth-job.js";
import { finishSynthJob } from "./finish-synth-job.js";
import { isDiskFull } from "./is-disk-full.js";
import { JobSession, type StopReason } from "./job-session.js";
import {
  type LoadedSynthContext,
  loadSynthContext,
  SYNTH_AGENT_GONE,
  type SynthModelSource,
} from "./load-synth-context.js";
import { type ProducedRow, produceRow } from "./produce-row.js";
import { pagedFeed, runBounded } from "./run-bounded.js";
import type { SynthOutcome, SynthProgress } from "./synth-progress.js";

export type { SynthOutcome, SynthProgress };

import { type SynthJobPayload, synthJobPayloadSchema } from "./synth-job-payload.js";
import { buildSynthReport, type SynthReport } from "./synth-report.js";
import type { SynthSteps } from "./synth-step.js";

export interface RunSynthJobOptions {
  store: Store;
  models: SynthModelSource;
  steps: SynthSteps;
  jobId: string;
  /** This worker's name in the lease. Default `host:pid:random`. */
  owner?: string;
  /** Lease length in ms; heartbeats every third of it. Default 30 000. */
  leaseMs?: number;
  /** How long to wait for a dead worker's lease to expire. Default: one lease and a bit. */
  claimWaitMs?: number;
  /** Backoff between attempts: first delay and cap, in ms. Defaults 500 and 30 000. */
  retryDelayMs?: { base: number; max: number };
  /** Interrupts the run (Ctrl-C): rows in flight are abandoned and the job is paused. */
  signal?: AbortSignal;
  onProgress?: (progress: SynthProgress) => void;
  /** Told when the run waits for another worker's lease. */
  onNotice?: (message: string) => void;
}

export interface SynthRunResult {
  job: Job;
  outcome: SynthOutcome;
  /** Why it stopped early (a full disk, an error), as a person should read it. */
  error: string | null;
  report: SynthReport;
  dataset: Dataset | null;
}

/**
 * Throws before claiming for an unknown job or a payload that is not a synth
 * job's, and `claimSynthJob`'s errors; once claimed it does not throw: what
 * went wrong is in the result (and in the job).
 */
export async function runSynthJob(options: RunSynthJobOptions): Promise<SynthRunResult> {
  const { store, jobId } = options;
  const found = await store.jobs.get(jobId);
  if (!found) throw new NotFoundError("synthetic-data job", jobId, "`alambique synth status` lists the jobs");
  const payload = parsePayload(found);
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? newLeaseOwner();
  const claimed = await claimSynthJob(store, jobId, {
    owner,
    leaseMs,
    waitMs: options.claimWaitMs ?? leaseMs + 5_000,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (job, until) =>
      options.onNotice?.(
        `job ${jobId} was left running by ${job.leaseOwner}; waiting ${Math.ceil((until - Date.now()) / 1000)} s for its lease to expire`,
      ),
  });

  const session = new JobSession({
    store,
    job: claimed,
    payload,
    owner,
    leaseMs,
    signal: options.signal,
    onCommit: () => options.onProgress?.(session.progress("generating")),
  });
  let context: LoadedSynthContext | undefined;
  let dataset: Dataset | null = null;
  try {
    context = await loadSynthContext(store, options.models, claimed.tenantId ?? "", payload);
    session.setPrices(context.teacherRecord, context.judgeRecord);
    await session.start();
    await plan(session, context, options.steps, payload);
    await generate(session, context, options, payload);
    if (!session.stopped && (await session.allDone())) {
      dataset = await finishSynthJob(session, context, payload, (phase) =>
        options.onProgress?.(session.progress(phase)),
      );
    }
  } catch (error) {
    session.stop(classify(error), error);
  } finally {
    session.close();
  }
  const ended = await session.end();
  const counts = await store.synth.counts(jobId);
  return {
    ...ended,
    report: buildSynthReport(ended.job, payload, counts, {
      teacher: context?.teacherRecord ?? null,
      judge: context?.judgeRecord ?? null,
    }),
    dataset,
  };
}

function parsePayload(job: Job): SynthJobPayload {
  const parsed = synthJobPayloadSchema.safeParse(job.payload);
  if (job.kind === "synth" && parsed.success) return parsed.data;
  throw new ValidationError(
    `job ${job.id} is not a synthetic-data job this version can run`,
    parsed.success
      ? [{ path: ["kind"], message: `expected synth, got ${job.kind}` }]
      : parsed.error.issues.map((i) => ({
          path: i.path.filter((p) => typeof p !== "symbol"),
          message: i.message,
        })),
    "Start a new job with `alambique synth run`.",
  );
}

async function plan(
  session: JobSession,
  context: LoadedSynthContext,
  steps: SynthSteps,
  payload: SynthJobPayload,
) {
  if (session.planned > 0) return;
  const tasks = await steps.plan(
    { ...context.shared, signal: session.signal, addUsage: () => {} },
    payload.count,
  );
  if (tasks.length === 0) {
    throw new AlambiqueError(`the steps planned no tasks for ${payload.count} rows`, {
      code: "synth_nothing_planned",
      status: 422,
      retryable: false,
      hint: `give the agent ${payload.agent.name} knowledge first: \`alambique knowledge add ${payload.agent.name} FILE…\``,
    });
  }
  await session.savePlan(tasks);
}

async function generate(
  session: JobSession,
  context: LoadedSynthContext,
  options: RunSynthJobOptions,
  payload: SynthJobPayload,
): Promise<void> {
  const retry = {
    maxAttempts: payload.maxAttempts,
    callTimeoutMs: payload.callTimeoutMs,
    baseDelayMs: options.retryDelayMs?.base ?? 500,
    maxDelayMs: options.retryDelayMs?.max ?? 30_000,
  };
  const next = pagedFeed(
    (after, limit) => options.store.synth.pendingTasks(session.jobId, { afterOrdinal: after, limit }),
    (task) => task.ordinal,
  );
  options.onProgress?.(session.progress("generating"));
  await runBounded(
    payload.concurrency,
    next,
    async (task) => {
      let produced: ProducedRow | undefined;
      try {
        produced = await produceRow(context.shared, options.steps, task, retry, session.signal);
      } catch (error) {
        session.stop("error", error);
        return;
      }
      if (produced !== undefined) await session.write(produced);
    },
    session.signal,
  );
  await session.drain();
}

/**
 * A job fails only when it can never succeed (its agent is gone, its steps
 * make invalid plans); anything else pauses it with the reason, to resume
 * once fixed (a model re-added, a server back up).
 */
function classify(error: unknown): StopReason {
  if (isDiskFull(error)) return "disk_full";
  if (AlambiqueError.isInstance(error) && error.code === SYNTH_AGENT_GONE) return "fatal";
  return ValidationError.isInstance(error) ? "fatal" : "error";
}
