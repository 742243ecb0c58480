import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AlambiqueError, NotFoundError } from "../spec/errors.js";
import type { ModelResolver } from "../spec/models.js";
import type { Job, Store } from "../spec/store.js";
import {
  INGEST_JOB_KIND,
  type IngestJobState,
  ingestJobPayloadSchema,
  readIngestJobState,
} from "./ingest-job-payload.js";
import type { IngestLimitsInput } from "./ingest-limits.js";
import { type IngestProgress, ingestSources } from "./ingest-sources.js";

export interface RunIngestJobOptions {
  store: Store;
  jobId: string;
  /** This worker's name in the job's lease. */
  owner: string;
  leaseMs: number;
  /** Stops the run: the job is paused (its files kept) for a worker to take again. */
  signal: AbortSignal;
  /** Where the agent's embedding model comes from, when its spec names one. */
  models: Pick<ModelResolver, "embeddingModel">;
  /** This worker's `knowledge.limits`. */
  limits?: IngestLimitsInput;
  /** Where the files are written while they are read (a fresh folder inside it, removed after). */
  workDir: string;
}

/** `interrupted`: stopped by `signal`, paused. `taken over`: the lease was lost (another worker has it). */
export interface IngestJobEnd {
  outcome: "succeeded" | "failed" | "interrupted" | "taken over";
  error: string | null;
}

/**
 * Runs one queued upload (`enqueueIngestJob`) in this worker, through the
 * same `ingestSources` a synchronous upload runs: the files are copied from
 * the store to a folder here, read within `limits`, stored, and embedded
 * when the agent names an embedding model. Progress (documents, chunks) goes
 * to the job's checkpoint; the lease is renewed every third of `leaseMs`.
 *
 * Resumable: a worker that dies leaves the job `running` until its lease
 * expires, then another claims it and ingests the same files again; what the
 * first one stored is found unchanged (replacing by URI is idempotent, so
 * nothing is stored twice), and reported as `unchanged`. The files are
 * removed from the store when the job succeeds or fails.
 *
 * A document past a limit, a missing agent or embedding model fail the job
 * with the error a synchronous upload would have answered (in the state's
 * `error`); so does an unexpected error (`internal_error`). Throws
 * NotFoundError, or AlambiqueError `job_busy` / `job_paused` /
 * `job_finished` when the job cannot be claimed; a retryable failure (the
 * store unreachable) is thrown, and the job is claimed again after its lease.
 */
export async function runIngestJob(options: RunIngestJobOptions): Promise<IngestJobEnd> {
  const { store, jobId, owner, leaseMs } = options;
  const job = await claim(store, jobId, owner, leaseMs);
  const parsed = ingestJobPayloadSchema.safeParse(job.payload);
  if (!parsed.success || job.tenantId === null) {
    return failJob(store, job, owner, readIngestJobState(null, 0), null, {
      code: "invalid_request",
      status: 400,
      message: "this version cannot read the job's payload",
    });
  }
  const payload = parsed.data;
  const tenantId = job.tenantId;
  const state = readIngestJobState(job.checkpoint, payload.files.length);
  state.error = null;
  state.report = null;

  const lost = new AbortController();
  const signal = AbortSignal.any([options.signal, lost.signal]);
  const renew = setInterval(
    () => {
      store.jobs.heartbeat(jobId, owner, leaseMs).catch((error: unknown) => lost.abort(error));
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  // Checkpoints are written one at a time, at most every 250 ms; the last one waits for those before it.
  let saving: Promise<void> = Promise.resolve();
  let savedAt = 0;
  const save = (force = false) => {
    if (!force && Date.now() - savedAt < 250) return saving;
    savedAt = Date.now();
    const snapshot = structuredClone(state);
    saving = saving
      .then(() => store.jobs.checkpoint(jobId, owner, snapshot as never, progressOf(snapshot)))
      .catch((error: unknown) => lost.abort(error));
    return saving;
  };

  const fail = async (failure: JobFailure) => {
    await saving;
    return failJob(store, job, owner, state, payload.uploadId, failure);
  };
  // Chunks made so far: each document's count as its reading reports it.
  const chunksOf = new Map<string, number>();
  const track = (progress: IngestProgress) => {
    if (progress.stage === "read") {
      chunksOf.set(progress.uri, progress.chunks);
      state.stage = "reading";
      state.documents.done = progress.done;
      state.chunks = [...chunksOf.values()].reduce((sum, n) => sum + n, 0);
    } else if (progress.stage === "files") {
      state.stage = "storing";
      state.documents = { done: progress.done, total: progress.total };
    } else state.stage = "embedding";
  };

  await mkdir(options.workDir, { recursive: true });
  const dir = await mkdtemp(join(options.workDir, "ingest-"));
  try {
    const agent = await store.agents.get(tenantId, payload.agent.id);
    if (!agent) {
      return await fail({
        code: "not_found",
        status: 404,
        message: `the agent ${payload.agent.name} no longer exists`,
      });
    }
    for (const name of payload.files) {
      if (!isRelativeName(name)) {
        return await fail({
          code: "invalid_request",
          status: 400,
          message: `the job names a file outside its folder: ${JSON.stringify(name)}`,
        });
      }
      const data = await store.uploads.read(tenantId, jobId, name);
      if (!data) {
        return await fail({
          code: "not_found",
          status: 404,
          message: `the upload's file ${JSON.stringify(name)} is no longer in the store`,
          hint: "upload the files again",
        });
      }
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), data, { flag: "wx" });
    }
    const embed = await embeddingModelOf(options, agent.spec.embeddingModel);
    if ("error" in embed) return await fail(embed.error);

    state.stage = "reading";
    await save(true);
    const report = await ingestSources({
      store,
      tenantId,
      agentId: agent.id,
      paths: payload.files,
      baseDir: dir,
      maxFileBytes: payload.maxFileBytes,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(embed.model ? { embed: embed.model, embeddingModelName: embed.name } : {}),
      onProgress: (progress) => {
        track(progress);
        void save();
      },
      signal,
    });
    Object.assign(state, { stage: "done", report, chunks: report.chunks });
    state.documents.done = state.documents.total;
    await save(true);
    if (lost.signal.aborted) return { outcome: "taken over", error: String(lost.signal.reason) };
    await store.jobs.finish(jobId, owner, { status: "succeeded" });
    await store.uploads.removeUpload(tenantId, payload.uploadId);
    return { outcome: "succeeded", error: null };
  } catch (error) {
    await saving;
    if (lost.signal.aborted) return { outcome: "taken over", error: String(lost.signal.reason) };
    if (options.signal.aborted) {
      await store.jobs.finish(jobId, owner, { status: "paused" }).catch(() => undefined);
      return { outcome: "interrupted", error: null };
    }
    // A passing failure (the store unreachable a moment) leaves the job to be claimed again after its lease;
    // any other fails it here, or every worker in turn would take it and fail the same way.
    if (AlambiqueError.isInstance(error) && error.retryable) throw error;
    if (!AlambiqueError.isInstance(error)) {
      // The tenant reads the job; what went wrong inside (file system paths, driver messages) is the worker's
      // log's: the same "internal error" a synchronous upload answers, the detail returned to the runner.
      const end = await fail({
        code: "internal_error",
        status: 500,
        message: `ingestion failed on the server (job ${jobId}); the operator finds the details in the worker's log`,
      });
      return { ...end, error: `ingestion failed: ${String(error)}` };
    }
    const param = "uri" in error && typeof error.uri === "string" ? error.uri : null;
    return await fail({
      code: error.code,
      status: error.status,
      message: error.message,
      param,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  } finally {
    clearInterval(renew);
    await rm(dir, { recursive: true, force: true });
  }
}

interface JobFailure {
  code: string;
  status: number;
  message: string;
  param?: string | null;
  hint?: string;
}

/** Ends the job as failed, with `failure` in its state as a synchronous upload would have answered it, and removes its files. */
async function failJob(
  store: Store,
  job: Job,
  owner: string,
  state: IngestJobState,
  uploadId: string | null,
  failure: JobFailure,
): Promise<IngestJobEnd> {
  state.error = {
    code: failure.code,
    status: failure.status,
    message: failure.message,
    param: failure.param ?? null,
    hint: failure.hint ?? null,
  };
  await store.jobs.checkpoint(job.id, owner, state as never, progressOf(state));
  await store.jobs.finish(job.id, owner, { status: "failed", error: failure.message });
  if (uploadId !== null && job.tenantId !== null) await store.uploads.removeUpload(job.tenantId, uploadId);
  return { outcome: "failed", error: failure.message };
}

async function claim(store: Store, jobId: string, owner: string, leaseMs: number): Promise<Job> {
  const claimed = await store.jobs.claim({ kinds: [INGEST_JOB_KIND], owner, leaseMs, id: jobId });
  if (claimed) return claimed;
  const job = await store.jobs.get(jobId);
  if (!job || job.kind !== INGEST_JOB_KIND) throw new NotFoundError("ingestion job", jobId);
  throw new AlambiqueError(`job ${jobId} is ${job.status}${job.leaseOwner ? ` in ${job.leaseOwner}` : ""}`, {
    code: job.status === "running" ? "job_busy" : job.status === "paused" ? "job_paused" : "job_finished",
    status: 409,
    retryable: false,
  });
}

async function embeddingModelOf(
  options: RunIngestJobOptions,
  name: unknown,
): Promise<
  | { model?: Awaited<ReturnType<ModelResolver["embeddingModel"]>>; name?: string }
  | { error: { code: string; status: number; message: string; hint: string } }
> {
  if (typeof name !== "string" || name === "") return {};
  try {
    return { model: await options.models.embeddingModel(name), name };
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
    return {
      error: {
        code: "embedding_model_not_found",
        status: 409,
        message: `the agent's embedding model \`${name}\` is not in this worker's catalog`,
        hint: "add it with `alambique models add`, or remove embeddingModel from the agent's spec",
      },
    };
  }
}

/**
 * A name `enqueueIngestJob` could have been given: a relative, `/`-separated
 * path that stays inside the folder it is written to. The store's rows are
 * not trusted further than that.
 */
function isRelativeName(name: string): boolean {
  if (name === "" || name.startsWith("/") || /[\\\u0000]/.test(name)) return false;
  return name.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** Reading is half the work, storing the other half; embedding is counted as the last moment of storing. */
function progressOf(state: IngestJobState): number {
  const { done, total } = state.documents;
  const share = total === 0 ? 1 : Math.min(1, done / total);
  if (state.stage === "done") return 1;
  if (state.stage === "reading" || state.stage === "queued") return share * 0.5;
  return Math.min(0.99, 0.5 + share * 0.5);
}
