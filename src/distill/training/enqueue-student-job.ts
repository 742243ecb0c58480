/**
 * Checks a request to train a student and queues it as a `train` job. Every
 * check that needs no native code runs here, so bad input makes no job: the
 * name is free, the dataset is frozen, the base is a local GGUF that trains
 * (F32 matrices, a chat template), the data fills a window in each split, the
 * memory estimate fits, and the licences allow it (`checkStudentLicense`).
 * For the trainer sidecar (`engine.type` command) only the name, the dataset,
 * the base's place and the licences are checked: the sidecar may train from
 * other weights, on other hardware. What the checks decided (hyper-parameters with defaults, the licence) goes
 * into the payload, so every session of the job trains the same student.
 */
import { checkTrainingInput } from "../../models/training/check-training-input.js";
import { windowLength } from "../../models/training/pack-windows.js";
import { UsageError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { TrainingError, type TrainingHyperparameters } from "../../spec/students.js";
import { checkStudentLicense } from "./check-student-license.js";
import { checkStudentName } from "./check-student-name.js";
import { findFrozenDataset, findStudentBase, studentRows } from "./student-data.js";
import { STUDENT_JOB_KIND, type StudentJobPayload, studentJobPayloadSchema } from "./student-job-payload.js";

export interface StudentRequest {
  tenantId: string;
  /** Where students' GGUFs go: `modelsDir/students/NAME.gguf`. */
  modelsDir: string;
  /** `NAME` (newest version) or `NAME@VERSION`; must be frozen. */
  dataset: string;
  /** A catalog name whose source is a local GGUF, or a path to a `.gguf` file. */
  base: string;
  /** The student's catalog name. */
  name: string;
  epochs?: number | undefined;
  learningRate?: number | undefined;
  contextLength?: number | undefined;
  threads?: number | undefined;
  /** Default `assistant`. */
  lossOn?: TrainingHyperparameters["lossOn"] | undefined;
  /** A licence id to go past that licence's refusal (recorded). */
  allowLicense?: string | undefined;
  /** For tests: bytes of memory the run may use (default: free memory). */
  availableBytes?: number | undefined;
  /** Default the built-in engine. */
  engine?: StudentJobPayload["engine"] | undefined;
  /** Quantize the trained GGUF before it enters the catalog. */
  quantize?: StudentJobPayload["quantize"] | undefined;
}

export const STUDENT_DEFAULTS = { epochs: 4, learningRate: 3e-4, contextLength: 512, threads: 1 } as const;

/**
 * Throws UsageError (name taken, file exists, bad hyper-parameters),
 * NotFoundError (dataset, base), TrainingError (not frozen, base not
 * local/trainable, too little data, memory) and AlambiqueError
 * `license_forbids_training` (403).
 */
export async function enqueueStudentJob(
  store: Store,
  request: StudentRequest,
): Promise<{ job: Job; payload: StudentJobPayload; warnings: string[] }> {
  const hyperparameters: TrainingHyperparameters = {
    epochs: request.epochs ?? STUDENT_DEFAULTS.epochs,
    learningRate: request.learningRate ?? STUDENT_DEFAULTS.learningRate,
    contextLength: windowLength(request.contextLength ?? STUDENT_DEFAULTS.contextLength),
    threads: request.threads ?? STUDENT_DEFAULTS.threads,
    optimizer: "adamw",
    lossOn: request.lossOn ?? "assistant",
  };
  const out = await checkStudentName(store, request.modelsDir, request.name);
  const dataset = await findFrozenDataset(store, request.tenantId, request.dataset);
  const base = await findStudentBase(store, request.base);
  const { license, warnings } = checkStudentLicense({
    name: request.name,
    base: base.record,
    teacher: dataset.card.teacher,
    teacherRecord: await store.models.get(dataset.card.teacher.name),
    allowLicense: request.allowLicense,
  });
  const rows = await studentRows(store, request.tenantId, dataset);
  const engine = request.engine ?? { type: "builtin" };
  if (engine.type === "command") {
    // The sidecar trains what it likes (HF weights, any precision, a GPU): only the data is checked here.
    if (rows.train.length === 0 || rows.validation.length === 0) {
      throw new TrainingError(
        "too_little_data",
        `dataset ${dataset.name}@${dataset.version} has ${rows.train.length} training and ${rows.validation.length} validation rows`,
        { hint: "The trainer needs at least one row of each: add rows and freeze a new version." },
      );
    }
  } else {
    await checkBuiltin();
  }
  const parsed = studentJobPayloadSchema.safeParse({
    name: request.name,
    dataset: { id: dataset.id, name: dataset.name, version: dataset.version },
    base: { name: base.name, path: base.path },
    hyperparameters,
    license,
    out,
    engine,
    quantize: request.quantize ?? null,
  } satisfies StudentJobPayload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `invalid training request: ${issue.path.join(".")}: ${issue.message}`,
      "epochs and threads are whole numbers of 1 or more, the learning rate above 0",
    );
  }
  const job = await store.jobs.enqueue({
    kind: STUDENT_JOB_KIND,
    tenantId: request.tenantId,
    payload: parsed.data as unknown as Job["payload"],
  });
  return { job, payload: parsed.data, warnings };

  /** The built-in engine's preconditions: F32 matrices, a chat template, a window of data, memory. */
  async function checkBuiltin(): Promise<void> {
    const { prepared } = await checkTrainingInput({
      base: base.path,
      train: rows.train,
      validation: rows.validation,
      contextLength: hyperparameters.contextLength,
      lossOn: hyperparameters.lossOn,
      availableBytes: request.availableBytes,
    });
    if (prepared.unmaskable > 0 && hyperparameters.lossOn === "assistant") {
      warnings.push(
        `${prepared.unmaskable} conversations' assistant turns could not be located in the rendered template; they teach nothing (--loss whole trains on them)`,
      );
    }
  }
}
