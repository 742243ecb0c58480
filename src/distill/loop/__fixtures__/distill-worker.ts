/**
 * A distillation loop's process, for the kill/resume test:
 *
 *   node --import tsx distill-worker.ts STORE_FILE MODELS_DIR JOB_ID LEASE_MS
 *
 * Runs the loop, printing `stage STAGE JOB_ID` as each stage starts and
 * `train EPOCH WINDOW` for each training progress event (one of epoch N is
 * handled only after epoch N-1's checkpoint is in the store), and `done
 * OUTCOME` at the end.
 */
import { writeSync } from "node:fs";
import { ModelRegistry } from "../../../models/model-registry.js";
import { openStore } from "../../../store/open-store.js";
import { runDistillJob } from "../run-distill-job.js";

const [file, modelsDir, jobId, leaseMs] = process.argv.slice(2);
const store = await openStore(file!);
const models = new ModelRegistry({ store, modelsDir: modelsDir! });
// Written synchronously: the parent kills on these lines, so they must not wait in a buffer.
const result = await runDistillJob({
  store,
  models,
  modelsDir: modelsDir!,
  jobId: jobId!,
  leaseMs: Number(leaseMs),
  onEvent: (event) => {
    if (event.type === "stage") writeSync(1, `stage ${event.stage} ${event.jobId ?? "-"}\n`);
    if (event.type === "train" && event.event.type === "progress")
      writeSync(1, `train ${event.event.epoch} ${event.event.window}\n`);
  },
});
process.stdout.write(`done ${result.outcome} ${result.stop?.error ?? ""}\n`);
await models.dispose();
await store.close();
