/**
 * A synthetic-data worker in its own process, for the kill/resume test:
 *
 *   node --import tsx synth-worker.ts STORE_FILE JOB_ID LEASE_MS MAX_TOKENS
 *
 * Runs the job with the forged teacher and judge (one thread) and the
 * fixture's QA steps, printing `rows N` after every commit and
 * `done OUTCOME` at the end.
 */
import { writeSync } from "node:fs";
import { ModelRegistry } from "../../../models/model-registry.js";
import { openStore } from "../../../store/open-store.js";
import { runSynthJob } from "../run-synth-job.js";
import { forgedQaSteps } from "../synth-test.fixture.js";

const [file, jobId, leaseMs, maxTokens] = process.argv.slice(2);
const store = await openStore(file!);
const models = new ModelRegistry({ store, llamacpp: { threads: 1, gpu: false, sequences: 2 } });
const result = await runSynthJob({
  store,
  models,
  steps: forgedQaSteps({ maxTokens: Number(maxTokens) }),
  jobId: jobId!,
  leaseMs: Number(leaseMs),
  // Written synchronously: the parent kills on these lines, so they must not wait in a buffer.
  onProgress: (p) => writeSync(1, `rows ${p.rows}\n`),
  onNotice: (message) => writeSync(1, `notice ${message}\n`),
});
process.stdout.write(`done ${result.outcome} ${result.error ?? ""}\n`);
await models.dispose();
await store.close();
