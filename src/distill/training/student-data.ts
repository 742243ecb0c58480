import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { TrainingMessage } from "../../spec/distill.js";
import { NotFoundError } from "../../spec/errors.js";
import type { Dataset, ModelRecord, Store } from "../../spec/store.js";
import { type StudentProvenance, TrainingError } from "../../spec/students.js";
import { findDataset } from "../datasets/find-dataset.js";

export type ValidationSplit = StudentProvenance["dataset"]["validationSplit"];

export interface StudentRows {
  train: TrainingMessage[][];
  validation: TrainingMessage[][];
  validationSplit: ValidationSplit;
}

/** Throws NotFoundError, and TrainingError(dataset_not_frozen) saying how to freeze it. */
export async function findFrozenDataset(store: Store, tenantId: string, ref: string): Promise<Dataset> {
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

/**
 * The rows a student trains and is validated on: kept rows with at least a
 * question and an answer. Validation is the dataset's validation split, else
 * its test split, else the last tenth of its training rows (held out, not
 * trained on).
 */
export async function studentRows(store: Store, tenantId: string, dataset: Dataset): Promise<StudentRows> {
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

/**
 * A catalog name whose source is a local GGUF, or a path to a `.gguf` file.
 * Throws TrainingError(base_not_local) for a remote model, NotFoundError.
 */
export async function findStudentBase(
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
