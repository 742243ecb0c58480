import type { ModelRecord, Store } from "../../spec/store.js";
import type { TrainerEvent } from "../../spec/students.js";
import { enqueueStudentJob, type StudentRequest } from "./enqueue-student-job.js";
import { runStudentJob } from "./run-student-job.js";

export { STUDENT_DEFAULTS } from "./enqueue-student-job.js";

export interface TrainStudentOptions extends Omit<StudentRequest, "tenantId" | "modelsDir"> {
  onEvent?: (event: TrainerEvent) => void;
  signal?: AbortSignal;
}

/**
 * Trains a student of `base` on a frozen dataset with the built-in engine
 * (llama.cpp's trainer), start to end in this process: queues the `train` job
 * (`enqueueStudentJob`, every check before anything runs) and runs it
 * (`runStudentJob`). The GGUF goes to `modelsDir/students/NAME.gguf`, and the
 * student into the catalog with its provenance, only when training finished
 * and the file is whole.
 *
 * Throws what `enqueueStudentJob` throws, and the run's error when it did not
 * succeed: TrainingError(cancelled) when `signal` interrupted it (the job is
 * paused, resumable with `students resume`), the engine's failure otherwise.
 */
export async function trainStudent(
  store: Store,
  tenantId: string,
  modelsDir: string,
  options: TrainStudentOptions,
): Promise<ModelRecord> {
  const { onEvent, signal, ...request } = options;
  const { job } = await enqueueStudentJob(store, { ...request, tenantId, modelsDir });
  const result = await runStudentJob({
    store,
    jobId: job.id,
    ...(signal ? { signal } : {}),
    ...(onEvent ? { onEvent: (event) => onEvent(event) } : {}),
    ...(request.availableBytes !== undefined ? { availableBytes: request.availableBytes } : {}),
  });
  if (result.model) return result.model;
  throw result.error;
}
