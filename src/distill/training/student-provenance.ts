import { arch, availableParallelism, platform } from "node:os";
import type { JsonValue } from "../../spec/json.js";
import type { Dataset, ModelRecord, NewModel } from "../../spec/store.js";
import { type StudentProvenance, studentProvenanceSchema } from "../../spec/students.js";
import { adapterStudentRecord } from "./adapter/adapter-student-record.js";
import type { LoraAdapterFacts } from "./adapter/check-lora-adapter.js";
import type { ValidationSplit } from "./student-data.js";
import type { StudentCheckpoint, StudentJobPayload } from "./student-job-payload.js";

export const ENGINE_VERSION = "llama.cpp via node-llama-cpp 3.22.1";
export const COMMAND_ENGINE_VERSION = "trainer sidecar (training.command)";

/**
 * The catalog record of a finished student: its file, the base's architecture
 * and context, the licence it inherits (the base's; the teacher's conditions
 * are in `metadata.student.license`), and its provenance, validated.
 */
export function studentRecord(input: {
  jobId: string;
  payload: StudentJobPayload;
  checkpoint: StudentCheckpoint;
  dataset: Dataset;
  base: ModelRecord | undefined;
  split: { validationSplit: ValidationSplit; rows: { train: number; validation: number } };
  sha256: string;
  /** Present when the trained GGUF was quantized before it entered the catalog. */
  quantization?: StudentProvenance["quantization"];
  /** Present when a trainer sidecar left a LoRA adapter (`sha256` is then the adapter's). */
  adapter?: { file: string; facts: LoraAdapterFacts } | undefined;
}): NewModel {
  const { payload, checkpoint: ck, dataset, base } = input;
  const last = ck.epochs.at(-1);
  const provenance: StudentProvenance = studentProvenanceSchema.parse({
    base: { name: payload.base.name, file: payload.base.path, licenseId: base?.licenseId ?? null },
    dataset: {
      name: dataset.name,
      version: dataset.version,
      sha256: dataset.card.contentHash || null,
      teacher: dataset.card.teacher,
      judge: dataset.card.judge,
      validationSplit: input.split.validationSplit,
      rows: input.split.rows,
      tokens: ck.tokens,
      unmaskable: ck.unmaskable,
    },
    engine: payload.engine.type,
    engineVersion: payload.engine.type === "builtin" ? ENGINE_VERSION : COMMAND_ENGINE_VERSION,
    ...(payload.engine.type === "command" ? { command: payload.engine.command } : {}),
    ...(input.quantization ? { quantization: input.quantization } : {}),
    ...(input.adapter
      ? {
          adapter: {
            file: input.adapter.file,
            sha256: input.sha256,
            rank: input.adapter.facts.rank,
            alpha: input.adapter.facts.alpha,
            tensors: input.adapter.facts.tensors,
            scale: 1,
          },
        }
      : {}),
    hyperparameters: payload.hyperparameters,
    metrics: {
      validationLoss: last?.validationLoss ?? null,
      baseValidationLoss: ck.baseValidationLoss,
      baseAssistantValidationLoss: ck.baseAssistantValidationLoss,
      trainLoss: last?.trainLoss ?? null,
      epochs: ck.epochs,
    },
    license: payload.license,
    job: { id: input.jobId, sessions: Math.max(1, ck.sessions) },
    sha256: input.sha256,
    durationSeconds: ck.elapsedMs / 1000,
    machine: { platform: platform(), arch: arch(), cpus: availableParallelism() },
    trainedAt: new Date().toISOString(),
  } satisfies StudentProvenance);
  if (provenance.adapter) {
    return adapterStudentRecord({
      name: payload.name,
      base: { path: payload.base.path, record: base },
      adapter: provenance.adapter,
      license: payload.license,
      provenance: provenance as unknown as JsonValue,
    });
  }
  return {
    name: payload.name,
    source: `gguf:${payload.out}`,
    architecture: base?.architecture ?? null,
    parameterCount: ck.parameters || null,
    // The built-in engine trains and writes F32; a sidecar's precision is its own.
    quantization: input.quantization
      ? input.quantization.type.toUpperCase()
      : payload.engine.type === "builtin"
        ? "F32"
        : null,
    contextLength: base?.contextLength ?? null,
    // Inherited: a fine-tune is a derivative of its base and carries the base's licence.
    licenseId: payload.license.id,
    licenseUrl: payload.license.url,
    weightsOpenness: "open",
    dataOpenness: base?.dataOpenness ?? null,
    codeOpenness: base?.codeOpenness ?? null,
    outputsMayTrain: base?.outputsMayTrain ?? null,
    metadata: {
      student: provenance as unknown as JsonValue,
      ...(payload.license.conditions.length > 0
        ? { licenseConditions: payload.license.conditions.join("; ") }
        : {}),
    },
  };
}
