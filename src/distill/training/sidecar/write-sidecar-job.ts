import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TrainingMessage } from "../../../spec/distill.js";
import type { TrainingHyperparameters } from "../../../spec/students.js";
import { axolotlConfig } from "./axolotl-config.js";
import { SIDECAR_JOB_VERSION, type SidecarJob, sidecarJobSchema } from "./sidecar-job.js";
import { TRL_SFT_SCRIPT } from "./trl-sft-script.js";

export interface SidecarJobInput {
  name: string;
  base: SidecarJob["base"];
  dataset: SidecarJob["dataset"];
  train: readonly (readonly TrainingMessage[])[];
  validation: readonly (readonly TrainingMessage[])[];
  hyperparameters: TrainingHyperparameters;
}

/**
 * Writes the job folder the trainer sidecar reads (`sidecar-job.ts`):
 * `train.jsonl`, `validation.jsonl`, `job.json`, `axolotl.yaml`, `trl_sft.py`,
 * an empty `progress.jsonl` and an empty `output/`. A folder left by an
 * earlier session of the same job is rewritten with the same content, and its
 * progress file and output emptied: what is followed and imported is this
 * run's. The trainer's own subfolders (its checkpoints) are kept, so a
 * trainer that resumes from them can. Returns the job as written.
 */
export async function writeSidecarJob(dir: string, input: SidecarJobInput): Promise<SidecarJob> {
  const output = join(dir, "output");
  await rm(output, { recursive: true, force: true });
  await mkdir(output, { recursive: true });
  const job: SidecarJob = sidecarJobSchema.parse({
    version: SIDECAR_JOB_VERSION,
    name: input.name,
    base: input.base,
    dataset: input.dataset,
    train: join(dir, "train.jsonl"),
    validation: join(dir, "validation.jsonl"),
    hyperparameters: input.hyperparameters,
    lora: { r: 16, alpha: 32, dropout: 0.05 },
    progress: join(dir, "progress.jsonl"),
    output: {
      model: join(output, "model.gguf"),
      adapter: join(output, "adapter.gguf"),
      formats: ["gguf", "gguf-lora"],
    },
  } satisfies SidecarJob);
  const jsonl = (rows: SidecarJobInput["train"]) =>
    rows.map((messages) => `${JSON.stringify({ messages })}\n`).join("");
  await writeFile(job.train, jsonl(input.train));
  await writeFile(job.validation, jsonl(input.validation));
  await writeFile(job.progress, "");
  await writeFile(join(dir, "axolotl.yaml"), axolotlConfig(job, join(dir, "axolotl-out")));
  await writeFile(join(dir, "trl_sft.py"), TRL_SFT_SCRIPT, { mode: 0o755 });
  // Last: a job.json present means the folder is complete.
  await writeFile(join(dir, "job.json"), `${JSON.stringify(job, null, 2)}\n`);
  return job;
}
