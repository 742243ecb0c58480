/**
 * Takes one synthetic-data job for this worker. A queued job is claimed at
 * once; a running one whose worker died is claimed when its lease expires
 * (waiting for that up to `waitMs`); paused and finished jobs are refused
 * with what to do instead.
 */
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { sleep } from "./retry-policy.js";
import { SYNTH_JOB_KIND } from "./synth-job-payload.js";

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  /** How long to wait for another worker's lease to expire. */
  waitMs: number;
  signal?: AbortSignal;
  onWait?: (job: Job, untilMs: number) => void;
}

/** Throws NotFoundError, or AlambiqueError `job_busy` / `job_paused` / `job_finished` (409). */
export async function claimSynthJob(store: Store, jobId: string, options: ClaimOptions): Promise<Job> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const claimed = await store.jobs.claim({
      kinds: [SYNTH_JOB_KIND],
      owner: options.owner,
      leaseMs: options.leaseMs,
      id: jobId,
    });
    if (claimed) return claimed;
    const job = await store.jobs.get(jobId);
    if (!job || job.kind !== SYNTH_JOB_KIND) {
      throw new NotFoundError("synthetic-data job", jobId, "`alambique synth status` lists the jobs");
    }
    if (job.status === "queued") continue;
    if (job.status === "paused") {
      throw new AlambiqueError(`job ${jobId} is paused${job.error ? ` (${job.error})` : ""}`, {
        code: "job_paused",
        status: 409,
        retryable: false,
        hint: `resume it with \`alambique synth resume ${jobId}\``,
      });
    }
    if (job.status !== "running") {
      throw new AlambiqueError(
        `job ${jobId} has ${job.status === "cancelled" ? "been cancelled" : job.status}`,
        {
          code: "job_finished",
          status: 409,
          retryable: false,
          hint: "start a new job with `alambique synth run`",
        },
      );
    }
    const expires = Date.parse(job.leaseExpiresAt ?? "") || Date.now();
    if (expires > deadline) {
      throw new AlambiqueError(
        `job ${jobId} is running in another worker (${job.leaseOwner}) whose lease lasts until ${job.leaseExpiresAt}`,
        {
          code: "job_busy",
          status: 409,
          retryable: true,
          hint: "if that worker died, its lease expires by itself: try again after that time (or pause the job first)",
        },
      );
    }
    options.onWait?.(job, expires);
    await sleep(Math.max(20, expires - Date.now() + 20), options.signal ?? new AbortController().signal);
  }
}
