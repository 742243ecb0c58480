/**
 * `students status [JOB]` and `students resume JOB`: the default tenant's
 * training jobs, named by id or a unique prefix of at least six characters.
 */
import {
  readStudentCheckpoint,
  STUDENT_JOB_KIND,
  type StudentCheckpoint,
  studentJobPayloadSchema,
} from "../../distill/training/student-job-payload.js";
import type { Job, Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { findJob } from "../find-job.js";
import { formatTable } from "../format-table.js";
import { eta, runStudentForCli } from "./run-student-for-cli.js";

export function findStudentJob(store: Store, tenantId: string, idOrPrefix: string): Promise<Job> {
  return findJob(store, {
    tenantId,
    kind: STUDENT_JOB_KIND,
    idOrPrefix,
    what: "training job",
    listCommand: "alambique students status",
  });
}

/** One job as `students status --json` prints it; scripts rely on these keys. */
export function studentJobView(job: Job) {
  const payload = studentJobPayloadSchema.safeParse(job.payload);
  const ck: StudentCheckpoint = readStudentCheckpoint(job.checkpoint);
  const epochs = payload.success ? payload.data.hyperparameters.epochs : null;
  const last = ck.epochs.at(-1);
  const secondsPerEpoch =
    ck.epochs.length > 0 ? ck.epochs.reduce((n, e) => n + e.seconds, 0) / ck.epochs.length : null;
  return {
    id: job.id,
    status: job.status,
    student: payload.success ? payload.data.name : null,
    dataset: payload.success ? `${payload.data.dataset.name}@${payload.data.dataset.version}` : null,
    base: payload.success ? payload.data.base.name : null,
    epoch: ck.epoch,
    epochs,
    progress: job.progress,
    trainLoss: last?.trainLoss ?? null,
    validationLoss: last?.validationLoss ?? null,
    baseValidationLoss: ck.baseValidationLoss,
    tokensPerSecond: ck.inFlight?.tokensPerSecond ?? last?.tokensPerSecond ?? null,
    /** While running: from the epoch in flight; otherwise from the mean epoch time so far. */
    etaSeconds:
      job.status === "succeeded"
        ? 0
        : (ck.inFlight?.etaSeconds ??
          (secondsPerEpoch !== null && epochs !== null ? (epochs - ck.epoch) * secondsPerEpoch : null)),
    inFlight: ck.inFlight,
    checkpoint: ck.file,
    sessions: ck.sessions,
    elapsedSeconds: ck.elapsedMs / 1000,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

export async function printStudentStatus(
  context: CliContext,
  idOrPrefix: string | undefined,
  options: { json?: boolean | undefined },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  if (idOrPrefix === undefined) {
    const jobs = (await store.jobs.list({ kind: STUDENT_JOB_KIND, tenantId: tenant.id })).map(studentJobView);
    if (options.json) return context.io.out(JSON.stringify(jobs, null, 2));
    if (jobs.length === 0) {
      return context.io.out(
        "No training jobs yet: `alambique students train --dataset D --base B --name N`.",
      );
    }
    const header = ["JOB", "STATUS", "STUDENT", "DATASET", "EPOCH", "VAL LOSS", "TOKENS/S"];
    const rows = jobs.map((j) => [
      j.id,
      j.status,
      j.student ?? "?",
      j.dataset ?? "?",
      `${j.epoch}/${j.epochs ?? "?"}`,
      j.validationLoss?.toFixed(3) ?? "-",
      j.tokensPerSecond?.toFixed(0) ?? "-",
    ]);
    return context.io.out(formatTable([header, ...rows]));
  }
  const view = studentJobView(await findStudentJob(store, tenant.id, idOrPrefix));
  if (options.json) return context.io.out(JSON.stringify(view, null, 2));
  const flight = view.inFlight;
  context.io.out(
    formatTable([
      ["job", view.id],
      ["status", view.status + (view.error ? ` (${view.error})` : "")],
      ["student", `${view.student} from ${view.base} on ${view.dataset}`],
      [
        "epoch",
        `${view.epoch} of ${view.epochs} finished${flight ? `; epoch ${flight.epoch} at window ${flight.window}/${flight.windows}` : ""}`,
      ],
      [
        "loss",
        `train ${view.trainLoss?.toFixed(4) ?? "-"}, validation ${view.validationLoss?.toFixed(4) ?? "-"} (base ${view.baseValidationLoss?.toFixed(4) ?? "-"})`,
      ],
      [
        "speed",
        `${view.tokensPerSecond?.toFixed(0) ?? "-"} tokens/s${eta(view.etaSeconds).replace(", ", "; ")}`,
      ],
      ["checkpoint", view.checkpoint ?? "none yet"],
      ["sessions", `${view.sessions}, ${view.elapsedSeconds.toFixed(1)} s of training`],
    ]),
  );
}

/** Puts a paused job back in the queue (an interrupted or killed one is taken over) and runs it here. */
export async function resumeStudentJob(
  context: CliContext,
  idOrPrefix: string,
  options: { json?: boolean },
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const job = await findStudentJob(store, tenant.id, idOrPrefix);
  if (job.status === "paused") await store.jobs.setStatus(job.id, "queued");
  await runStudentForCli(context, store, job.id, options);
}
