import { join } from "node:path";
import { trainGguf } from "../../models/training/train-gguf.js";
import type { Dataset } from "../../spec/store.js";
import {
  type EpochMetrics,
  type StudentProvenance,
  type TrainerEvent,
  TrainingError,
} from "../../spec/students.js";
import type { LoraAdapterFacts } from "./adapter/check-lora-adapter.js";
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
  /** Present when a trainer sidecar left a LoRA adapter (at `adapterPath(payload.out)`): the student is the base with it. */
  adapter?: { file: string; facts: LoraAdapterFacts } | undefined;
}

/**
 * Trains the job's student with its engine and leaves it, whole, at
 * `payload.out`: the built-in engine (`trainGguf`, resumable from a
 * checkpoint) or the operator's sidecar (`trainWithCommand`, run again from
 * its start on a resume). With `payload.quantize` the trained GGUF is written
 * in the job's folder and its quantized copy is what goes to `out`. A
 * sidecar's LoRA adapter goes beside `out` (`.lora.gguf`), not quantized.
 *
 * Throws TrainingError (the engine's reasons, quantize_failed: its hint names
 * the unquantized file, kept in the job's folder).
 */
export async function trainForJob(options: TrainForJobOptions): Promise<TrainedForJob> {
  const { payload, rows } = options;
  const h = payload.hyperparameters;
  const trained = payload.quantize ? join(options.workDir, "trained.gguf") : payload.out;
  let result: Omit<TrainedForJob, "quantization">;
  if (payload.engine.type === "command") {
    const { parameters, adapter } = await trainWithCommand({
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
    result = { parameters, tokens: { train: 0, validation: 0 }, unmaskable: 0, adapter };
    if (adapter && payload.quantize) {
      // llama_model_quantize takes whole models only; an adapter is small, and served as it is.
      options.onNotice?.(
        `the trainer left a LoRA adapter: --quantize ${payload.quantize} does not apply to it`,
      );
      return { ...result, quantization: undefined };
    }
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
    ? await quantizeStudent(trained, payload.out, payload.quantize, h.threads).catch((error: unknown) => {
        throw keptUnquantized(error, trained);
      })
    : undefined;
  return { ...result, quantization };
}

/**
 * A quantization failure, saying where the trained, unquantized GGUF is kept
 * (the job's folder stays when a job fails): hours of training are not lost
 * to a quantizer's refusal.
 */
function keptUnquantized(error: unknown, trained: string): unknown {
  if (!TrainingError.isInstance(error) || error.reason !== "quantize_failed") return error;
  return new TrainingError("quantize_failed", error.message, {
    hint: `The trained, unquantized model is kept at ${trained}: \`alambique models add NAME --gguf ${trained}\` uses it as it is, or quantize it yourself with llama.cpp's llama-quantize. Nothing entered the catalog.`,
    cause: error,
  });
}
