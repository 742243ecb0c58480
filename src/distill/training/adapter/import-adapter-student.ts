import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { hashFile } from "../../../knowledge/hash-file.js";
import type { JsonValue } from "../../../spec/json.js";
import type { ModelRecord, Store } from "../../../spec/store.js";
import { type ImportedStudent, importedStudentSchema, TrainingError } from "../../../spec/students.js";
import { checkStudentLicense } from "../check-student-license.js";
import { checkStudentName } from "../check-student-name.js";
import { findFrozenDataset, findStudentBase } from "../student-data.js";
import { adapterStudentRecord } from "./adapter-student-record.js";
import { checkLoraAdapter } from "./check-lora-adapter.js";

export interface AdapterImportRequest {
  tenantId: string;
  /** Where students' files go: the adapter is copied to `modelsDir/students/NAME.lora.gguf`. */
  modelsDir: string;
  /** The GGUF LoRA adapter (llama.cpp's convert_lora_to_gguf.py output). */
  adapter: string;
  /** A catalog name whose source is a local GGUF, or a path to a `.gguf` file. */
  base: string;
  name: string;
  /** Strength it is served at. Default 1. */
  scale?: number | undefined;
  /** `NAME[@VERSION]` of the frozen dataset it was trained on, to record (eval then tests on its test split). */
  dataset?: string | undefined;
  allowLicense?: string | undefined;
}

/**
 * Adds a LoRA adapter made elsewhere (e.g. by a trainer sidecar with PEFT) to
 * the catalog as a student: its base with the adapter applied, under the
 * base's licence (and, with `dataset`, the teacher's terms, as training
 * checks them). The adapter is checked against the base before anything is
 * written (`checkLoraAdapter`), then copied into the catalog's folder under a
 * temporary name and renamed; the catalog gets the record only after that.
 *
 * Throws UsageError (name), NotFoundError (base, dataset), TrainingError
 * (`adapter_invalid`, `adapter_mismatch`, `base_not_local`, `dataset_not_frozen`)
 * and AlambiqueError `license_forbids_training`.
 */
export async function importAdapterStudent(
  store: Store,
  request: AdapterImportRequest,
): Promise<{ model: ModelRecord; warnings: string[] }> {
  const out = await checkStudentName(store, request.modelsDir, request.name, "adapter");
  const base = await findStudentBase(store, request.base);
  if (base.record?.metadata.lora !== undefined) {
    throw new TrainingError("adapter_invalid", `the base ${base.name} is itself an adapter student`, {
      hint: `Import the adapter onto the model it was trained from (${base.record.source.replace(/^gguf:/, "")}).`,
    });
  }
  const from = resolve(request.adapter);
  const facts = await checkLoraAdapter(from, base.path);
  const dataset =
    request.dataset === undefined ? null : await findFrozenDataset(store, request.tenantId, request.dataset);
  const { license, warnings } = checkStudentLicense({
    name: request.name,
    base: base.record,
    teacher: dataset?.card.teacher ?? { name: "unknown", licenseId: null },
    teacherRecord: dataset ? await store.models.get(dataset.card.teacher.name) : undefined,
    allowLicense: request.allowLicense,
  });
  const shown = dataset
    ? warnings
    : [
        ...warnings.filter((w) => !w.startsWith("the teacher's")),
        "the data the adapter was trained on is not recorded: --dataset NAME@VERSION records it (and its teacher's licence)",
      ];

  await mkdir(dirname(out), { recursive: true });
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    // A copy, not a link: a converter that rewrites its output in place must not change the catalog's file.
    await copyFile(from, temp);
    await rename(temp, out);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    const provenance: ImportedStudent = importedStudentSchema.parse({
      engine: "import",
      base: { name: base.name, file: base.path, licenseId: base.record?.licenseId ?? null },
      adapter: {
        file: out,
        sha256: await hashFile(out),
        rank: facts.rank,
        alpha: facts.alpha,
        tensors: facts.tensors,
        scale: request.scale ?? 1,
      },
      importedFrom: from,
      dataset: dataset && {
        name: dataset.name,
        version: dataset.version,
        sha256: dataset.card.contentHash || null,
      },
      license,
      importedAt: new Date().toISOString(),
    } satisfies ImportedStudent);
    const model = await store.models.add(
      adapterStudentRecord({
        name: request.name,
        base: { path: base.path, record: base.record },
        adapter: provenance.adapter,
        license,
        provenance: provenance as unknown as JsonValue,
      }),
    );
    return { model, warnings: shown };
  } catch (error) {
    await unlink(out).catch(() => undefined);
    throw error;
  }
}
