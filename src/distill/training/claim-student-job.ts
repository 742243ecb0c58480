/**
 * Takes one training job for this process. A queued job is claimed at once; a
 * running one whose process died (kill -9, a crash) is claimed when its lease
 * expires, waiting for that up to `waitMs`; paused jobs are put back in the
 * queue first by `students resume`; finished ones are refused with what to do.
 */
import { sleep } from "../../distill/pipeline/retry-policy.js";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { STUDENT_JOB_KIND } from "./student-job-payload.js";

export interface ClaimStudentOptions {
  owner: string;
  leaseMs: number;
  waitMs: number;
  signal?: AbortSignal | undefined;
  onWait?: ((job: Job, untilMs: number) => void) | undefined;
}

/** Throws NotFoundError, or AlambiqueError `job_busy` / `job_paused` / `job_finished` (409). */
export async function claimStudentJob(
  store: Store,
  jobId: string,
  options: ClaimStudentOptions,
): Promise<Job> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const claimed = await store.jobs.claim({
      kinds: [STUDENT_JOB_KIND],
      owner: options.owner,
      leaseMs: options.leaseMs,
      id: jobId,
    });
    if (claimed) return claimed;
    const job = await store.jobs.get(jobId);
    if (!job || job.kind !== STUDENT_JOB_KIND) {
      throw new NotFoundError("training job", jobId, "`alambique students status` lists the jobs");
    }
    if (job.status === "queued") continue;
    if (job.status === "paused") {
      throw new AlambiqueError(`training job ${jobId} is paused${job.error ? ` (${job.error})` : ""}`, {
        code: "job_paused",
        status: 409,
        retryable: false,
        hint: `resume it with \`alambique students resume ${jobId}\``,
      });
    }
    if (job.status !== "running") {
      throw new AlambiqueError(
        `training job ${jobId} has ${job.status === "cancelled" ? "been cancelled" : job.status}`,
        {
          code: "job_finished",
          status: 409,
          retryable: false,
          hint: "start a new one with `alambique students train`",
        },
      );
    }
    const expires = Date.parse(job.leaseExpiresAt ?? "") || Date.now();
    if (expires > deadline) {
      throw new AlambiqueError(
        `training job ${jobId} is running in another process (${job.leaseOwner}) whose lease lasts until ${job.leaseExpiresAt}`,
        {
          code: "job_busy",
          status: 409,
          retryable: true,
          hint: "if that process died, its lease expires by itself: try again after that time",
        },
      );
    }
    options.onWait?.(job, expires);
    await sleep(Math.max(20, expires - Date.now() + 20), options.signal ?? new AbortController().signal);
  }
}
