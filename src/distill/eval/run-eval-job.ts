/**
 * The evaluation engine: runs one `eval` job of the store's job table to its
 * end, or until it is paused, cancelled, interrupted or the disk fills.
 *
 * 1. Claims the job (a lease kept alive by heartbeats: `EvalSession`).
 * 2. Plans it from the test split (deterministic: a resumed run plans the
 *    same keys) and skips the tasks that have a result already.
 * 3. Runs the rest, `concurrency` at a time (`runEvalTask`); each result is
 *    written with the checkpoint in one transaction.
 * 4. When every task has its result: builds the scorecard from the stored
 *    results, checks the gate, and stores the scorecard with the job's
 *    checkpoint in one transaction (a crash after it does not make a second).
 */
import { AlambiqueError, NotFoundError, ValidationError } from "../../spec/errors.js";
import { type Scorecard, scorecardSchema } from "../../spec/evaluation.js";
import type { Job, ScorecardRecord, Store } from "../../spec/store.js";
import { claimJob, newLeaseOwner } from "../pipeline/claim-job.js";
import { isDiskFull } from "../pipeline/is-disk-full.js";
import type { SynthModelSource } from "../pipeline/load-synth-context.js";
import { runBounded } from "../pipeline/run-bounded.js";
import { buildScorecard } from "./build-scorecard.js";
import { EVAL_JOB_KIND, type EvalJobPayload, evalJobPayloadSchema } from "./eval-job-payload.js";
import { type EvalOutcome, EvalSession, type EvalStopReason } from "./eval-session.js";
import { evalTaskResultSchema } from "./eval-task-result.js";
import { type LoadedEvalContext, loadEvalContext } from "./load-eval-context.js";
import { planEvalTasks } from "./plan-eval-tasks.js";
import { runEvalTask } from "./run-eval-task.js";

export const EVAL_NOUNS = {
  kind: EVAL_JOB_KIND,
  what: "evaluation job",
  command: "eval",
  list: "alambique eval list",
};

export interface EvalProgress {
  phase: "replaying" | "scoring" | "done";
  planned: number;
  done: number;
  elapsedMs: number;
  etaSeconds: number | null;
}

export interface RunEvalJobOptions {
  store: Store;
  models: SynthModelSource;
  jobId: string;
  owner?: string;
  /** Default 30 000; heartbeats every third of it. */
  leaseMs?: number;
  claimWaitMs?: number;
  /** Backoff between attempts of a turn: first delay and cap, in ms. Defaults 500 and 30 000. */
  retryDelayMs?: { base: number; max: number };
  /** Interrupts the run (Ctrl-C): tasks in flight are abandoned and the job is paused. */
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
  onNotice?: (message: string) => void;
}

export interface EvalRunResult {
  job: Job;
  outcome: EvalOutcome;
  error: string | null;
  scorecard: ScorecardRecord | null;
}

/** Throws before claiming (unknown job, not an eval job) and `claimJob`'s errors; after that, what went wrong is in the result. */
export async function runEvalJob(options: RunEvalJobOptions): Promise<EvalRunResult> {
  const { store, jobId } = options;
  const found = await store.jobs.get(jobId);
  if (!found)
    throw new NotFoundError(
      "evaluation job",
      jobId,
      "`alambique eval list` lists the scorecards; a job id is printed by `eval run`",
    );
  const payload = parsePayload(found);
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? newLeaseOwner();
  const claimed = await claimJob(store, jobId, EVAL_NOUNS, {
    owner,
    leaseMs,
    waitMs: options.claimWaitMs ?? leaseMs + 5_000,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (job, until) =>
      options.onNotice?.(
        `job ${jobId} was left running by ${job.leaseOwner}; waiting ${Math.ceil((until - Date.now()) / 1000)} s for its lease to expire`,
      ),
  });
  const session = new EvalSession({ store, job: claimed, owner, leaseMs, signal: options.signal });
  let context: LoadedEvalContext | undefined;
  let scorecard: ScorecardRecord | null = null;
  try {
    context = await loadEvalContext(store, options.models, claimed.tenantId ?? "", payload, {
      base: options.retryDelayMs?.base ?? 500,
      max: options.retryDelayMs?.max ?? 30_000,
    });
    const tasks = planEvalTasks(context.testRows, payload.repeats);
    const done = new Set((await store.evaluations.results(jobId)).map((r) => r.key));
    await session.start(tasks.length, done.size);
    const pending = tasks.filter((task) => !done.has(task.key));
    const progress = (phase: EvalProgress["phase"]) =>
      options.onProgress?.(progressOf(session, phase, done.size));
    progress("replaying");
    const ctx = { ...context.task, signal: session.signal };
    await runBounded(
      payload.concurrency,
      async () => pending.shift(),
      async (task) => {
        try {
          await session.write(task, await runEvalTask(ctx, task));
          progress("replaying");
        } catch (error) {
          session.stop(classify(error), error);
        }
      },
      session.signal,
    );
    if (!session.stopped) {
      progress("scoring");
      scorecard = await score(store, session, context, payload, claimed);
      progress("done");
    }
  } catch (error) {
    session.stop(classify(error), error);
  } finally {
    session.close();
    await context?.task.mcp.close();
  }
  const ended = await session.end();
  return { ...ended, scorecard };
}

async function score(
  store: Store,
  session: EvalSession,
  context: LoadedEvalContext,
  payload: EvalJobPayload,
  job: Job,
): Promise<ScorecardRecord> {
  const existing = session.checkpointState.scorecardId;
  const tenantId = job.tenantId ?? "";
  if (existing) {
    const stored = await store.evaluations.getScorecard(tenantId, existing);
    if (stored) return stored;
  }
  const results = (await store.evaluations.results(job.id)).map((r) => evalTaskResultSchema.parse(r.result));
  const card: Scorecard = scorecardSchema.parse(
    buildScorecard({
      payload,
      results,
      testRows: context.testRows.length,
      prices: context.records,
      durationMs: session.elapsedMs(),
    }),
  );
  return store.transaction(async (tx) => {
    const record = await tx.evaluations.createScorecard({
      tenantId,
      agentId: payload.agent.id,
      jobId: job.id,
      candidate: payload.candidate,
      reference: payload.reference,
      judge: payload.judge,
      datasetId: payload.dataset.id,
      datasetHash: payload.dataset.contentHash,
      seed: payload.seed,
      gatePassed: card.gate.passed,
      scorecard: card as never,
    });
    await session.checkpoint({ phase: "scoring", scorecardId: record.id }, tx);
    return record;
  });
}

function progressOf(session: EvalSession, phase: EvalProgress["phase"], before: number): EvalProgress {
  const state = session.checkpointState;
  const seconds = session.elapsedMs() / 1000;
  const rate = seconds > 0 ? Math.max(0, state.done - before) / seconds : 0;
  return {
    phase,
    planned: state.planned,
    done: state.done,
    elapsedMs: state.elapsedMs,
    etaSeconds: rate > 0 ? Math.max(0, state.planned - state.done) / rate : null,
  };
}

function parsePayload(job: Job): EvalJobPayload {
  const parsed = evalJobPayloadSchema.safeParse(job.payload);
  if (job.kind === EVAL_JOB_KIND && parsed.success) return parsed.data;
  throw new ValidationError(
    `job ${job.id} is not an evaluation job this version can run`,
    parsed.success
      ? [{ path: ["kind"], message: `expected ${EVAL_JOB_KIND}, got ${job.kind}` }]
      : parsed.error.issues.map((i) => ({
          path: i.path.filter((p) => typeof p !== "symbol"),
          message: i.message,
        })),
    "Start a new one with `alambique eval run`.",
  );
}

/** Fails the job only when it can never succeed; anything else pauses it with the reason, to resume once fixed. */
function classify(error: unknown): EvalStopReason {
  if (isDiskFull(error)) return "disk_full";
  if (
    AlambiqueError.isInstance(error) &&
    (error.code === "eval_agent_gone" || error.code === "eval_dataset_changed")
  )
    return "fatal";
  return ValidationError.isInstance(error) ? "fatal" : "error";
}
