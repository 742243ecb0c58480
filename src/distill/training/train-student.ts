import { mkdir, stat, unlink } from "node:fs/promises";
import { arch, availableParallelism, platform } from "node:os";
import { join, resolve } from "node:path";
import { trainGguf } from "../../models/training/train-gguf.js";
import type { TrainingMessage } from "../../spec/distill.js";
import { NotFoundError, UsageError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Dataset, ModelRecord, Store } from "../../spec/store.js";
import {
  type StudentProvenance,
  studentProvenanceSchema,
  type TrainerEvent,
  TrainingError,
  type TrainingHyperparameters,
} from "../../spec/students.js";
import { findDataset } from "../datasets/find-dataset.js";

export interface TrainStudentOptions {
  /** `NAME` (newest version) or `NAME@VERSION`; must be frozen. */
  dataset: string;
  /** A catalog name whose source is a local GGUF, or a path to a `.gguf` file. */
  base: string;
  /** The student's catalog name. */
  name: string;
  epochs?: number;
  learningRate?: number;
  contextLength?: number;
  threads?: number;
  onEvent?: (event: TrainerEvent) => void;
  signal?: AbortSignal;
  /** For tests: bytes of memory the run may use (default: free memory). */
  availableBytes?: number;
}

export const STUDENT_DEFAULTS = { epochs: 4, learningRate: 3e-4, contextLength: 512, threads: 1 } as const;

/**
 * Trains a student of `base` on a frozen dataset with the built-in engine
 * (llama.cpp's trainer) and adds it to the catalog with its provenance in
 * `metadata.student` and the base's licence. The GGUF goes to
 * `modelsDir/students/NAME.gguf`; nothing is added to the catalog, and no file
 * is left, unless training finished and the file is whole.
 *
 * Validation loss is measured on the dataset's validation split, else its test
 * split, else the last tenth of its training rows (held out, not trained on).
 *
 * Throws UsageError (the name is taken, bad hyper-parameters), NotFoundError
 * (dataset, base), TrainingError (not frozen, base not local/trainable, too
 * little data, memory, engine failures, cancelled).
 */
export async function trainStudent(
  store: Store,
  tenantId: string,
  modelsDir: string,
  options: TrainStudentOptions,
): Promise<ModelRecord> {
  const hyper: TrainingHyperparameters = {
    epochs: options.epochs ?? STUDENT_DEFAULTS.epochs,
    learningRate: options.learningRate ?? STUDENT_DEFAULTS.learningRate,
    contextLength: Math.max(
      256,
      Math.ceil((options.contextLength ?? STUDENT_DEFAULTS.contextLength) / 256) * 256,
    ),
    threads: options.threads ?? STUDENT_DEFAULTS.threads,
    optimizer: "adamw",
    lossOn: "whole-conversation",
  };
  if (await store.models.get(options.name)) {
    throw new UsageError(`the catalog already has a model named ${options.name}`, "choose another --name");
  }
  const dataset = await findFrozenDataset(store, tenantId, options.dataset);
  const base = await findBase(store, options.base);
  const split = await splitRows(store, tenantId, dataset);

  const dir = join(modelsDir, "students");
  await mkdir(dir, { recursive: true });
  const file = resolve(dir, `${options.name}.gguf`);
  if (await stat(file).catch(() => undefined)) {
    throw new UsageError(`${file} already exists`, "choose another --name, or remove the file");
  }
  const result = await trainGguf({
    base: base.path,
    train: split.train,
    validation: split.validation,
    epochs: hyper.epochs,
    learningRate: hyper.learningRate,
    contextLength: hyper.contextLength,
    threads: hyper.threads,
    out: file,
    onEvent: options.onEvent,
    signal: options.signal,
    availableBytes: options.availableBytes,
  });
  const last = result.epochs.at(-1);
  const provenance: StudentProvenance = studentProvenanceSchema.parse({
    base: { name: base.name, file: base.path, licenseId: base.record?.licenseId ?? null },
    dataset: {
      name: dataset.name,
      version: dataset.version,
      sha256: dataset.card.contentHash || null,
      teacher: { name: dataset.card.teacher.name, licenseId: dataset.card.teacher.licenseId },
      judge: dataset.card.judge,
      validationSplit: split.validationSplit,
      rows: { train: split.train.length, validation: split.validation.length },
      tokens: result.tokens,
    },
    engine: "builtin",
    engineVersion: "llama.cpp via node-llama-cpp 3.22.1",
    hyperparameters: hyper,
    metrics: {
      validationLoss: last?.validationLoss ?? result.baseValidationLoss,
      baseValidationLoss: result.baseValidationLoss,
      trainLoss: last?.trainLoss ?? Number.NaN,
      epochs: result.epochs,
    },
    durationSeconds: result.seconds,
    machine: { platform: platform(), arch: arch(), cpus: availableParallelism() },
    trainedAt: new Date().toISOString(),
  } satisfies StudentProvenance);

  try {
    return await store.models.add({
      name: options.name,
      source: `gguf:${file}`,
      architecture: base.record?.architecture ?? null,
      parameterCount: result.parameters,
      quantization: "F32",
      contextLength: base.record?.contextLength ?? null,
      // Inherited: a fine-tune is a derivative of its base and carries the base's licence.
      licenseId: base.record?.licenseId ?? null,
      licenseUrl: base.record?.licenseUrl ?? null,
      weightsOpenness: "open",
      dataOpenness: base.record?.dataOpenness ?? null,
      codeOpenness: base.record?.codeOpenness ?? null,
      outputsMayTrain: base.record?.outputsMayTrain ?? null,
      metadata: { student: provenance as unknown as JsonValue },
    });
  } catch (error) {
    await unlink(file).catch(() => undefined);
    throw error;
  }
}

async function findFrozenDataset(store: Store, tenantId: string, ref: string): Promise<Dataset> {
  const dataset = await findDataset(store, tenantId, ref);
  if (!dataset.frozenAt) {
    throw new TrainingError(
      "dataset_not_frozen",
      `dataset ${dataset.name}@${dataset.version} is not frozen`,
      {
        hint: `Freeze it first (a frozen dataset never changes, so the student's provenance stays true): alambique datasets freeze ${dataset.name}@${dataset.version}`,
      },
    );
  }
  return dataset;
}

async function findBase(
  store: Store,
  ref: string,
): Promise<{ name: string; path: string; record: ModelRecord | undefined }> {
  const record = await store.models.get(ref);
  if (record) {
    if (!record.source.startsWith("gguf:")) {
      throw new TrainingError(
        "base_not_local",
        `base model ${ref} is ${record.source}, not a local GGUF file`,
        {
          hint: "The built-in trainer trains a local F32 GGUF: add one with `alambique models add NAME --gguf FILE`.",
        },
      );
    }
    return { name: record.name, path: record.source.slice("gguf:".length), record };
  }
  if (ref.endsWith(".gguf") && (await stat(ref).catch(() => undefined))?.isFile()) {
    return { name: ref, path: resolve(ref), record: undefined };
  }
  throw new NotFoundError(
    "base model",
    ref,
    "give a catalog name (`alambique models list`) or a path to a .gguf file",
  );
}

type ValidationSplit = StudentProvenance["dataset"]["validationSplit"];

async function splitRows(
  store: Store,
  tenantId: string,
  dataset: Dataset,
): Promise<{
  train: TrainingMessage[][];
  validation: TrainingMessage[][];
  validationSplit: ValidationSplit;
}> {
  const rows = await store.datasets.rows(tenantId, dataset.id);
  const kept = rows.filter((r) => r.row.dropped === null && r.row.messages.length >= 2);
  const of = (split: string) => kept.filter((r) => r.split === split).map((r) => r.row.messages);
  const train = of("train");
  for (const split of ["validation", "test"] as const) {
    const held = of(split);
    if (held.length > 0) return { train, validation: held, validationSplit: split };
  }
  const cut = Math.max(1, Math.floor(train.length * 0.9));
  return { train: train.slice(0, cut), validation: train.slice(cut), validationSplit: "held-out-train" };
}
