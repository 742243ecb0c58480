/** Takes one synthetic-data job for this worker: `claimJob` for the `synth` kind. */
import type { Job, Store } from "../../spec/store.js";
import { type ClaimOptions, claimJob } from "./claim-job.js";
import { SYNTH_JOB_KIND } from "./synth-job-payload.js";

export type { ClaimOptions };

/** Throws NotFoundError, or AlambiqueError `job_busy` / `job_paused` / `job_finished` (409). */
export function claimSynthJob(store: Store, jobId: string, options: ClaimOptions): Promise<Job> {
  return claimJob(
    store,
    jobId,
    { kind: SYNTH_JOB_KIND, what: "synthetic-data job", command: "synth" },
    options,
  );
}
