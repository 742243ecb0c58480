/**
 * Takes one job of the store's job table for this worker, whatever its kind
 * (synthetic data, evaluation…). A queued job is claimed at once; a running
 * one whose worker died is claimed when its lease expires (waiting for that
 * up to `waitMs`); paused and finished jobs are refused with what to do
 * instead, in the words of the job's own commands (`nouns`).
 */
import { hostname } from "node:os";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { sleep } from "./retry-policy.js";

/**
 * A lease owner's name for this process: the machine, the pid and a random
 * tail, so that two runs in one process (a loop and its sub-job) never share a lease.
 */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  /** How long to wait for another worker's lease to expire. */
  waitMs: number;
  signal?: AbortSignal;
  onWait?: (job: Job, untilMs: number) => void;
}

/** How the job's kind is named to a person: `synthetic-data job`, its CLI command `synth`, and what lists its jobs. */
export interface JobNouns {
  kind: string;
  what: string;
  command: string;
  /** Default `alambique <command> status`. */
  list?: string;
}

/** Throws NotFoundError, or AlambiqueError `job_busy` / `job_paused` / `job_finished` (409). */
export async function claimJob(
  store: Store,
  jobId: string,
  nouns: JobNouns,
  options: ClaimOptions,
): Promise<Job> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const claimed = await store.jobs.claim({
      kinds: [nouns.kind],
      owner: options.owner,
      leaseMs: options.leaseMs,
      id: jobId,
    });
    if (claimed) return claimed;
    const job = await store.jobs.get(jobId);
    if (!job || job.kind !== nouns.kind) {
      throw new NotFoundError(
        nouns.what,
        jobId,
        `\`${nouns.list ?? `alambique ${nouns.command} status`}\` lists the jobs`,
      );
    }
    if (job.status === "queued") continue;
    if (job.status === "paused") {
      throw new AlambiqueError(`job ${jobId} is paused${job.error ? ` (${job.error})` : ""}`, {
        code: "job_paused",
        status: 409,
        retryable: false,
        hint: `resume it with \`alambique ${nouns.command} resume ${jobId}\``,
      });
    }
    if (job.status !== "running") {
      throw new AlambiqueError(
        `job ${jobId} has ${job.status === "cancelled" ? "been cancelled" : job.status}`,
        {
          code: "job_finished",
          status: 409,
          retryable: false,
          hint: `start a new job with \`alambique ${nouns.command} run\``,
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
