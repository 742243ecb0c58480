/**
 * The loop of `alambique worker`: take the oldest claimable job of the kinds
 * it runs (queued, or running under a lease that expired because its worker
 * died), run it to its end, and look again; with nothing to do, wait
 * `pollMs`. Any number of workers, on any machines, may share one store:
 * each claim is atomic (on PostgreSQL `FOR UPDATE SKIP LOCKED`, on SQLite the
 * write lock), so a job runs in one worker at a time, and a job whose worker
 * was killed is resumed from its checkpoint by another once its lease expires.
 *
 * Stopping (`signal`) ends the job in hand as its engine does on Ctrl-C
 * (what is done is kept, the job paused) and puts it back in the queue, so
 * another worker goes on with it.
 */
import { sleep } from "../../distill/pipeline/retry-policy.js";
import { AlambiqueError } from "../../spec/errors.js";
import { maxClaimableJobs } from "../../spec/store/jobs.js";
import type { Job, Store } from "../../spec/store.js";
import { type JobRun, type JobRunner, jobRunners } from "./job-runners.js";

export interface WorkerOptions {
  store: Store;
  models: JobRun["models"];
  /** Where students' files go, for distillation loops. */
  modelsDir?: string;
  /** Where ingestion jobs write their files while reading them. */
  uploadDir?: string;
  knowledgeLimits?: JobRun["knowledgeLimits"];
  /** The kinds of job to run (default every kind in `jobRunners`). */
  kinds: string[];
  /** This worker's name in job leases: `host:pid:random`. */
  owner: string;
  leaseMs: number;
  pollMs: number;
  /** Stop when no job is left to claim, instead of waiting for more. */
  once: boolean;
  signal: AbortSignal;
  /** One line per event, for the person running it. */
  log: (line: string) => void;
  runners?: Record<string, JobRunner>;
}

/**
 * Jobs read per look beyond those this worker gave up on (its poll reads ids
 * and kinds only, never every job with its payload): when the first is taken
 * by another worker meanwhile, the next is tried in the same look.
 */
const lookAhead = 8;

/** Runs jobs until `signal` (or, with `once`, until none is left). Returns how many it ran. */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const runners = options.runners ?? jobRunners;
  const unrunnable = new Set<string>();
  let ran = 0;
  options.log(`worker ${options.owner}: running ${options.kinds.join(", ")} jobs`);
  while (!options.signal.aborted) {
    let worked = false;
    // Enough to find one this worker has not given up on (one statement, by kind, idle or not).
    const limit = Math.min(unrunnable.size + lookAhead, maxClaimableJobs);
    const page = await options.store.jobs.claimable({ kinds: options.kinds, limit });
    const givenUp = unrunnable.size;
    let takenElsewhere = 0;
    for (const job of page) {
      if (options.signal.aborted || unrunnable.has(job.id)) continue;
      const runner = runners[job.kind]!;
      const ended = await runOne(options, runner, job).catch((error: unknown) => {
        if (isTakenElsewhere(error)) {
          takenElsewhere += 1;
          return undefined;
        }
        // A passing failure (the database unreachable a moment) is tried again on the next look; others never.
        if (!(AlambiqueError.isInstance(error) && error.retryable)) unrunnable.add(job.id);
        options.log(`job ${job.id} (${job.kind}) cannot run here: ${(error as Error).message}`);
        return undefined;
      });
      if (!ended) continue;
      worked = true;
      ran += 1;
      options.log(`job ${job.id} (${job.kind}): ${ended.outcome}${ended.error ? ` (${ended.error})` : ""}`);
      if (ended.outcome === "interrupted") {
        await options.store.jobs.setStatus(job.id, "queued").catch(() => undefined);
        options.log(`job ${job.id} is queued again for another worker`);
      }
      break; // look again from the oldest: jobs may have been queued meanwhile
    }
    if (worked) continue;
    // A full page whose jobs were all taken by other workers or given up on here: the next look (no wait)
    // reaches past them — they are claimable no more, or counted in its limit. A passing failure waits.
    if (page.length === limit && takenElsewhere + unrunnable.size - givenUp > 0) continue;
    if (options.once) break;
    // Stopping ends the wait at once (`sleep` rejects with the signal's reason; the loop's test then ends it).
    await sleep(options.pollMs, options.signal).catch(() => undefined);
  }
  return ran;
}

async function runOne(options: WorkerOptions, runner: JobRunner, job: Pick<Job, "id" | "kind">) {
  options.log(`job ${job.id} (${job.kind}): starting`);
  return runner({
    store: options.store,
    jobId: job.id,
    owner: options.owner,
    leaseMs: options.leaseMs,
    signal: options.signal,
    models: options.models,
    ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}),
    ...(options.uploadDir !== undefined ? { uploadDir: options.uploadDir } : {}),
    ...(options.knowledgeLimits ? { knowledgeLimits: options.knowledgeLimits } : {}),
  });
}

/** Another worker claimed it first, or an operator paused or finished it meanwhile. */
function isTakenElsewhere(error: unknown): boolean {
  return (
    AlambiqueError.isInstance(error) &&
    ["job_busy", "job_paused", "job_finished", "not_found"].includes(error.code)
  );
}
