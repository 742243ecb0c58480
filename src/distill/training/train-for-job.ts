import { join } from "node:path";
import { trainGguf } from "../../models/training/train-gguf.js";
import type { Dataset } from "../../spec/store.js";
import type { EpochMetrics, StudentProvenance, TrainerEvent } from "../../spec/students.js";
import { quantizeStudent } from "./quantize-student.js";
import { trainWithCommand } from "./sidecar/train-with-command.js";
import type { StudentRows } from "./student-data.js";
import type { StudentJobPayload } from "./student-job-payload.js";

export interface TrainForJobOptions {
  payload: StudentJobPayload;
  dataset: Dataset;
  rows: StudentRows;
  /** The job's folder (windows, checkpoints, the sidecar's job folder). */
  workDir: string;
  /** The built-in engine's last finished epoch and its checkpoint, to go on from. */
  resume?: { epoch: number; file: string } | undefined;
  signal: AbortSignal;
  availableBytes?: number | undefined;
  onEvent: (event: TrainerEvent) => void;
  /** Each finished epoch, once its checkpoint (built-in: a whole GGUF; sidecar: none) is on disk. */
  onEpoch: (metrics: EpochMetrics, file: string | null) => Promise<void>;
  onNotice?: ((message: string) => void) | undefined;
}

export interface TrainedForJob {
  parameters: number;
  tokens: { train: number; validation: number };
  unmaskable: number;
  quantization: StudentProvenance["quantization"];
}

/**
 * Trains the job's student with its engine and leaves it, whole, at
 * `payload.out`: the built-in engine (`trainGguf`, resumable from a
 * checkpoint) or the operator's sidecar (`trainWithCommand`, run again from
 * its start on a resume). With `payload.quantize` the trained GGUF is written
 * in the job's folder and its quantized copy is what goes to `out`.
 *
 * Throws TrainingError (the engine's reasons, quantize_failed).
 */
export async function trainForJob(options: TrainForJobOptions): Promise<TrainedForJob> {
  const { payload, rows } = options;
  const h = payload.hyperparameters;
  const trained = payload.quantize ? join(options.workDir, "trained.gguf") : payload.out;
  let result: Omit<TrainedForJob, "quantization">;
  if (payload.engine.type === "command") {
    const { parameters } = await trainWithCommand({
      name: payload.name,
      base: { name: payload.base.name, gguf: payload.base.path, huggingFace: null },
      dataset: {
        name: options.dataset.name,
        version: options.dataset.version,
        sha256: options.dataset.card.contentHash || null,
      },
      train: rows.train,
      validation: rows.validation,
      hyperparameters: h,
      command: payload.engine.command,
      progressTimeoutMs: payload.engine.progressTimeoutSeconds * 1000,
      jobDir: options.workDir,
      out: trained,
      signal: options.signal,
      onEvent: options.onEvent,
      onEpoch: (metrics) => options.onEpoch(metrics, null),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    });
    result = { parameters, tokens: { train: 0, validation: 0 }, unmaskable: 0 };
  } else {
    const built = await trainGguf({
      base: payload.base.path,
      train: rows.train,
      validation: rows.validation,
      epochs: h.epochs,
      learningRate: h.learningRate,
      contextLength: h.contextLength,
      threads: h.threads,
      lossOn: h.lossOn,
      out: trained,
      workDir: options.workDir,
      ...(options.resume ? { resume: options.resume } : {}),
      signal: options.signal,
      ...(options.availableBytes !== undefined ? { availableBytes: options.availableBytes } : {}),
      onEvent: options.onEvent,
      onCheckpoint: (checkpoint, metrics) => options.onEpoch(metrics, checkpoint.file),
    });
    result = { parameters: built.parameters, tokens: built.tokens, unmaskable: built.unmaskable };
  }
  const quantization = payload.quantize
    ? await quantizeStudent(trained, payload.out, payload.quantize, h.threads)
    : undefined;
  return { ...result, quantization };
}
