import { appendFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { parseJsonAs } from "../../../models/training/parse-json-as.js";
import { trainGguf } from "../../../models/training/train-gguf.js";
import { trainingMessageSchema } from "../../../spec/distill.js";
import { UsageError } from "../../../spec/errors.js";
import type { TrainerEvent } from "../../../spec/students.js";
import { type SidecarJob, type SidecarProgressLine, sidecarJobSchema } from "./sidecar-job.js";

const rowSchema = z.object({ messages: z.array(trainingMessageSchema).min(1) });

/**
 * A trainer sidecar like any other, behind `alambique students sidecar-train
 * --job DIR`: reads the job folder Alambique wrote, trains with the built-in
 * engine (llama.cpp's trainer, in its own child process) on the JSONL splits,
 * appends the progress lines of the contract, and leaves the GGUF at
 * `output.model`. Its own work (windows, checkpoints) goes in `DIR/builtin`.
 *
 * Throws UsageError for a folder without a valid job.json or JSONL rows, and
 * what `trainGguf` throws.
 */
export async function sidecarTrain(dir: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  const job = await readJob(dir);
  const [train, validation] = await Promise.all([readRows(job.train), readRows(job.validation)]);
  const h = job.hyperparameters;
  const report = (line: SidecarProgressLine) => appendFileSync(job.progress, `${JSON.stringify(line)}\n`);
  await trainGguf({
    base: job.base.gguf,
    train,
    validation,
    contextLength: h.contextLength,
    lossOn: h.lossOn,
    epochs: h.epochs,
    learningRate: h.learningRate,
    threads: h.threads,
    out: job.output.model,
    workDir: join(dir, "builtin"),
    ...(options.signal ? { signal: options.signal } : {}),
    onEvent: (event: TrainerEvent) => {
      if (event.type === "base") report({ type: "base", validationLoss: event.validationLoss });
      if (event.type === "progress") {
        report({
          type: "progress",
          epoch: event.epoch,
          step: event.window,
          steps: event.windows,
          tokensPerSecond: event.tokensPerSecond,
        });
      }
      if (event.type === "epoch") report({ type: "epoch", ...event.metrics });
    },
  });
}

async function readJob(dir: string): Promise<SidecarJob> {
  const text = await readFile(join(dir, "job.json"), "utf8").catch(() => undefined);
  const parsed = parseJsonAs(sidecarJobSchema, text ?? "");
  if (!parsed.success) {
    throw new UsageError(
      `${join(dir, "job.json")} is missing or not a training job`,
      "pass the job folder Alambique wrote (ALAMBIQUE_TRAINING_JOB)",
    );
  }
  return parsed.data;
}

async function readRows(path: string) {
  const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l.trim() !== "");
  return lines.map((line, i) => {
    const row = parseJsonAs(rowSchema, line);
    if (!row.success) {
      throw new UsageError(`${path}:${i + 1} is not an OpenAI chat row`, 'each line is {"messages": [...]}');
    }
    return row.data.messages;
  });
}
