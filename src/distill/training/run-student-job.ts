/**
 * Runs one `train` job of the store's job table to its end, or until it is
 * interrupted, paused by an operator, or fails.
 *
 * 1. Claims the job (a lease kept alive by heartbeats; a dead process's job is
 *    taken over when its lease expires).
 * 2. Trains (`trainForJob`) with the job's engine. The built-in one goes on
 *    from the last checkpoint: after each epoch the weights are a whole GGUF
 *    in the job's folder, and the job's checkpoint (epoch, file, losses,
 *    time) is written to the store before the previous file is deleted; a
 *    SIGKILL loses at most the epoch in flight. A trainer sidecar runs again
 *    from its start in the same job folder, unless its earlier run had
 *    finished with a usable output, which is then imported as it is. With
 *    `quantize`, the trained GGUF is quantized before step 3.
 * 3. Registers the student and finishes the job in one transaction: the
 *    catalog never holds a student whose job did not succeed, nor the
 *    reverse. Then the job's folder is removed.
 *
 * `signal` (Ctrl-C) kills the trainer and pauses the job at its last
 * checkpoint. Within an epoch the checkpoint's `inFlight` is refreshed every
 * two seconds (epoch, window, tokens/s, ETA) for `students status`.
 */
import { rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { lostLease } from "../../distill/pipeline/job-session.js";
import { hashFile } from "../../knowledge/hash-file.js";
import { type AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Job, ModelRecord, Store } from "../../spec/store.js";
import type { TrainerEvent } from "../../spec/students.js";
import { newLeaseOwner } from "../pipeline/claim-job.js";
import { claimStudentJob } from "./claim-student-job.js";
import { studentRows } from "./student-data.js";
import {
  readStudentCheckpoint,
  STUDENT_JOB_KIND,
  type StudentCheckpoint,
  studentJobPayloadSchema,
  studentWorkDir,
} from "./student-job-payload.js";
import { studentRecord } from "./student-provenance.js";
import { type StudentOutcome, studentStop } from "./student-stop.js";
import { trainForJob } from "./train-for-job.js";

export interface RunStudentJobOptions {
  store: Store;
  jobId: string;
  /** This process's name in the lease. Default `host:pid:random`. */
  owner?: string;
  /** Lease length in ms; heartbeats every third of it. Default 30 000. */
  leaseMs?: number;
  /** How long to wait for a dead process's lease to expire. Default: one lease and a bit. */
  claimWaitMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: TrainerEvent, checkpoint: StudentCheckpoint) => void;
  onNotice?: (message: string) => void;
  /** For tests: bytes of memory the run may use. */
  availableBytes?: number;
}

export type { StudentOutcome };

export interface StudentRunResult {
  job: Job;
  outcome: StudentOutcome;
  /** Why it did not succeed (a TrainingError keeps its reason and hint). */
  error: AlambiqueError | null;
  model: ModelRecord | null;
}

/**
 * Throws before claiming for an unknown job or one that is not a training
 * job, and `claimStudentJob`'s errors; once claimed it does not throw: what
 * went wrong is in the result and in the job.
 */
export async function runStudentJob(options: RunStudentJobOptions): Promise<StudentRunResult> {
  const { store, jobId } = options;
  const found = await store.jobs.get(jobId);
  if (!found || found.kind !== STUDENT_JOB_KIND) {
    throw new NotFoundError("training job", jobId, "`alambique students status` lists the jobs");
  }
  const payload = studentJobPayloadSchema.parse(found.payload);
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? newLeaseOwner();
  const claimed = await claimStudentJob(store, jobId, {
    owner,
    leaseMs,
    waitMs: options.claimWaitMs ?? leaseMs + 5_000,
    signal: options.signal,
    onWait: (job, until) =>
      options.onNotice?.(
        `job ${jobId} was left running by ${job.leaseOwner}; waiting ${Math.ceil((until - Date.now()) / 1000)} s for its lease to expire`,
      ),
  });

  let ck: StudentCheckpoint = { ...readStudentCheckpoint(claimed.checkpoint), inFlight: null };
  ck.sessions += 1;
  const epochs = payload.hyperparameters.epochs;
  const progress = () =>
    Math.min(1, (ck.epoch + (ck.inFlight ? ck.inFlight.window / ck.inFlight.windows : 0)) / epochs);
  let writes: Promise<void> = Promise.resolve();
  const write = () => {
    const value = ck as unknown as JsonValue;
    const fraction = progress();
    // One at a time, in order; a failed write does not stop the next one from being tried.
    writes = writes.catch(() => undefined).then(() => store.jobs.checkpoint(jobId, owner, value, fraction));
    return writes;
  };

  const stop = new AbortController();
  let stopped: "interrupted" | "lease" | undefined;
  const halt = (reason: "interrupted" | "lease") => {
    stopped ??= reason;
    stop.abort();
  };
  const onInterrupt = () => halt("interrupted");
  if (options.signal?.aborted) onInterrupt();
  options.signal?.addEventListener("abort", onInterrupt, { once: true });
  const heartbeat = setInterval(
    () => {
      store.jobs.heartbeat(jobId, owner, leaseMs).catch(async () => {
        if (await lostLease(store, jobId, owner)) halt("lease");
      });
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();

  const workDir = studentWorkDir(payload, jobId);
  const sessionStarted = performance.now();
  const elapsedBefore = ck.elapsedMs;
  const elapsed = () => elapsedBefore + (performance.now() - sessionStarted);
  try {
    await write();
    const tenantId = claimed.tenantId ?? "";
    const dataset = await store.datasets.get(tenantId, payload.dataset.id);
    if (!dataset) throw new NotFoundError("dataset", `${payload.dataset.name}@${payload.dataset.version}`);
    const rows = await studentRows(store, tenantId, dataset);
    if (payload.engine.type === "command" && ck.epoch > 0) {
      // The sidecar's epochs are told again: by the command run anew, or replayed from its progress file
      // when it had finished (`trainWithCommand` says which).
      ck = { ...ck, epoch: 0, file: null, epochs: [] };
    }
    if (ck.file !== null && !(await stat(ck.file).catch(() => undefined))) {
      options.onNotice?.(`the checkpoint ${ck.file} is gone; training again from the base`);
      ck = { ...ck, epoch: 0, file: null, epochs: [] };
    }
    if (ck.epoch > 0) options.onNotice?.(`resuming after epoch ${ck.epoch} of ${epochs}`);
    let lastWrite = 0;
    const h = payload.hyperparameters;
    const trained = await trainForJob({
      payload,
      dataset,
      rows,
      workDir,
      resume: ck.file !== null ? { epoch: ck.epoch, file: ck.file } : undefined,
      signal: stop.signal,
      availableBytes: options.availableBytes,
      onNotice: options.onNotice,
      onEvent: (event) => {
        if (event.type === "ready") ck.parameters = event.parameters;
        if (event.type === "base") {
          ck.baseValidationLoss = event.validationLoss;
          ck.baseAssistantValidationLoss = event.assistantValidationLoss;
        }
        if (event.type === "progress") {
          const windowsPerSecond = event.tokensPerSecond / h.contextLength;
          const left = (epochs - event.epoch) * event.windows + event.windows - event.window;
          ck.inFlight = {
            epoch: event.epoch,
            window: event.window,
            windows: event.windows,
            tokensPerSecond: event.tokensPerSecond,
            etaSeconds: windowsPerSecond > 0 ? left / windowsPerSecond : null,
            at: new Date().toISOString(),
          };
          if (Date.now() - lastWrite > 2000) {
            lastWrite = Date.now();
            void write().catch(() => undefined);
          }
        }
        options.onEvent?.(event, ck);
      },
      onEpoch: async (metrics, file) => {
        ck = {
          ...ck,
          epoch: metrics.epoch,
          file,
          epochs: [...ck.epochs.filter((e) => e.epoch < metrics.epoch), metrics],
          inFlight: null,
          elapsedMs: elapsed(),
        };
        await write();
      },
    });
    const studentFile = trained.adapter?.file ?? payload.out;
    ck = {
      ...ck,
      parameters: trained.parameters || ck.parameters,
      tokens: trained.tokens,
      unmaskable: trained.unmaskable,
      inFlight: null,
      elapsedMs: elapsed(),
    };
    const record = studentRecord({
      jobId,
      payload,
      checkpoint: ck,
      dataset,
      base: await store.models.get(payload.base.name),
      split: {
        validationSplit: rows.validationSplit,
        rows: { train: rows.train.length, validation: rows.validation.length },
      },
      sha256: await hashFile(studentFile),
      quantization: trained.quantization,
      adapter: trained.adapter,
    });
    await writes.catch(() => undefined);
    const model = await store
      .transaction(async (tx) => {
        const added = await tx.models.add(record);
        await tx.jobs.checkpoint(jobId, owner, ck as unknown as JsonValue, 1);
        await tx.jobs.finish(jobId, owner, { status: "succeeded" });
        return added;
      })
      .catch(async (error: unknown) => {
        await unlink(studentFile).catch(() => undefined);
        throw error;
      });
    await rm(workDir, { recursive: true, force: true });
    await rmdir(dirname(workDir)).catch(() => undefined); // `.work`, when no other job has a folder there
    return { job: (await store.jobs.get(jobId))!, outcome: "succeeded", error: null, model };
  } catch (error) {
    await writes.catch(() => undefined);
    return await end(error);
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener("abort", onInterrupt);
  }

  /** Releases the job as the way it stopped calls for. */
  async function end(error: unknown): Promise<StudentRunResult> {
    const current = async () => (await store.jobs.get(jobId))!;
    if (stopped === "lease") {
      const job = await current();
      return { job, outcome: job.status === "paused" ? "paused" : "taken_over", error: null, model: null };
    }
    const { outcome, reason } = studentStop(error, {
      interrupted: stopped === "interrupted",
      epoch: ck.epoch,
      epochs,
      jobId,
    });
    const status = outcome === "failed" ? "failed" : "paused";
    ck.elapsedMs = elapsed();
    ck.inFlight = null;
    await write().catch(() => undefined);
    const message = reason.hint ? `${reason.message} (fix: ${reason.hint})` : reason.message;
    const job = await store.jobs.finish(jobId, owner, { status, error: message }).catch(() => undefined);
    return { job: job ?? (await current()), outcome, error: reason, model: null };
  }
}
