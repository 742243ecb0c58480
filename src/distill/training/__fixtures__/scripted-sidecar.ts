/**
 * A trainer sidecar that follows the job folder's contract but trains
 * nothing, for the tests of what Alambique does around a command (resume
 * after a kill, an adapter output, a quantization failure); the contract with
 * a real trainer behind it is `students sidecar-train`'s test.
 *
 *   node --import tsx scripted-sidecar.ts JOB_DIR RUNS_FILE MODE [FILE]
 *
 * Appends a line to RUNS_FILE each time it runs, reports a base line and
 * every epoch, then by MODE:
 * - `model FILE`: leaves FILE (a whole GGUF) as `output.model`;
 * - `adapter`: leaves a LoRA adapter for the base as `output.adapter`;
 * - `finish-then-kill FILE`: leaves FILE, then, on its first run, SIGKILLs its
 *   parent (Alambique) before exiting, as a kill -9 after the command finished;
 * - `partial-then-kill FILE`: on its first run reports half of epoch 1 and
 *   leaves a truncated FILE, then SIGKILLs its parent; later runs are `model`.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeLoraAdapterFor } from "../adapter/lora-adapter.fixture.js";
import { sidecarJobSchema } from "../sidecar/sidecar-job.js";

const [dir, runsFile, mode, file] = process.argv.slice(2) as [string, string, string, string | undefined];
const job = sidecarJobSchema.parse(JSON.parse(readFileSync(join(dir, "job.json"), "utf8")));
const runs = readFileSync(runsFile, { encoding: "utf8", flag: "a+" }).split("\n").filter(Boolean).length;
appendFileSync(runsFile, `${mode}\n`);
const line = (value: object) => appendFileSync(job.progress, `${JSON.stringify(value)}\n`);

if (mode === "partial-then-kill" && runs === 0) {
  line({ type: "base", validationLoss: 8 });
  line({ type: "progress", epoch: 1, step: 1, steps: 2 });
  writeFileSync(job.output.model, readFileSync(file!).subarray(0, 4096));
  process.kill(process.ppid, "SIGKILL");
} else {
  line({ type: "base", validationLoss: 8 });
  for (let epoch = 1; epoch <= job.hyperparameters.epochs; epoch++) {
    line({ type: "progress", epoch, step: 2, steps: 2, tokensPerSecond: 100 });
    line({ type: "epoch", epoch, trainLoss: 8 - epoch, validationLoss: 8 - epoch / 2 });
  }
  if (mode === "adapter") await writeLoraAdapterFor(job.base.gguf, job.output.adapter);
  else copyFileSync(file!, job.output.model);
  if (mode === "finish-then-kill" && runs === 0) process.kill(process.ppid, "SIGKILL");
}
