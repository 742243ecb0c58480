/**
 * A training job's process, for the kill/resume test:
 *
 *   node --import tsx student-worker.ts STORE_FILE JOB_ID LEASE_MS
 *
 * Runs the job, printing `progress EPOCH WINDOW` for each progress event
 * (a progress event of epoch N is handled only after epoch N-1's checkpoint
 * is in the store) and `done OUTCOME` at the end.
 */
import { writeSync } from "node:fs";
import { openStore } from "../../../store/open-store.js";
import { runStudentJob } from "../run-student-job.js";

const [file, jobId, leaseMs] = process.argv.slice(2);
const store = await openStore(file!);
const result = await runStudentJob({
  store,
  jobId: jobId!,
  leaseMs: Number(leaseMs),
  // Written synchronously: the parent kills on these lines, so they must not wait in a buffer.
  onEvent: (event) => {
    if (event.type === "progress") writeSync(1, `progress ${event.epoch} ${event.window}\n`);
  },
  onNotice: (message) => writeSync(1, `notice ${message}\n`),
});
process.stdout.write(`done ${result.outcome} ${result.error?.message ?? ""}\n`);
await store.close();
