import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { AlambiqueError } from "../spec/errors.js";
import type { AgentRecord, Job, Store } from "../spec/store.js";
import { INGEST_JOB_KIND, type IngestJobPayload } from "./ingest-job-payload.js";

/** Default bound on the bytes of one tenant's queued uploads: 512 MiB. */
export const defaultMaxQueuedUploadBytes = 512 * 2 ** 20;
/**
 * Most unfinished (queued, running, paused) ingestion jobs a tenant may hold:
 * bytes alone do not bound them (empty files), and workers take jobs oldest
 * first across tenants, so a flood from one would delay everyone's.
 */
export const maxUnfinishedIngestJobs = 50;

/** An upload that never became a job (its request died mid-way) is swept after this long. */
const unattachedLifetimeMs = 60 * 60_000;

export interface EnqueueIngestOptions {
  store: Pick<Store, "uploads" | "transaction" | "jobs">;
  agent: AgentRecord;
  /**
   * The files, in order: `name` is the source URI it becomes (a relative,
   * `/`-separated path: no `.`, `..` or empty segment), `path` where to read it now.
   */
  files: { name: string; path: string }[];
  maxFileBytes: number;
  /** Bound on the bytes the tenant's queued uploads hold in the store (default `defaultMaxQueuedUploadBytes`). */
  maxQueuedBytes?: number;
}

/**
 * Queues an upload for ingestion by any worker: copies each file's bytes
 * into the store (one file in memory at a time), then enqueues an `ingest`
 * job and ties the files to it in one transaction, so no worker sees the job
 * before its files. Files of the tenant's ended jobs, and uploads left behind
 * by a request that died, are swept first.
 *
 * Throws AlambiqueError `upload_queue_full` (413, nothing kept) when the
 * tenant's queued uploads would go past `maxQueuedBytes`.
 */
export async function enqueueIngestJob(options: EnqueueIngestOptions): Promise<Job> {
  const { store, agent } = options;
  const tenantId = agent.tenantId;
  const max = options.maxQueuedBytes ?? defaultMaxQueuedUploadBytes;
  await store.uploads.sweep(tenantId, new Date(Date.now() - unattachedLifetimeMs).toISOString());
  // One count statement (it read and parsed up to 150 jobs' rows in three lists).
  const unfinished = await store.jobs.countUnfinished({ kind: INGEST_JOB_KIND, tenantId });
  if (unfinished >= maxUnfinishedIngestJobs) throw tooManyJobs();
  const uploadId = randomUUID();
  try {
    let bytes = 0;
    for (const { name, path } of options.files) {
      const data = await readFile(path);
      const put = await store.uploads.put({ tenantId, uploadId, name, data, maxTenantBytes: max });
      if (!put) throw queueFull(max);
      bytes += put.bytes;
    }
    const payload: IngestJobPayload = {
      agent: { id: agent.id, name: agent.name },
      uploadId,
      files: options.files.map((file) => file.name),
      bytes,
      maxFileBytes: options.maxFileBytes,
    };
    return await store.transaction(async (tx) => {
      const job = await tx.jobs.enqueue({ kind: INGEST_JOB_KIND, tenantId, payload });
      await tx.uploads.attach(tenantId, uploadId, job.id);
      return job;
    });
  } catch (error) {
    await store.uploads.removeUpload(tenantId, uploadId).catch(() => undefined);
    throw error;
  }
}

function tooManyJobs(): AlambiqueError {
  return new AlambiqueError(
    `this tenant already has ${maxUnfinishedIngestJobs} queued knowledge uploads not finished`,
    {
      code: "upload_queue_full",
      status: 413,
      retryable: true,
      hint: "wait for them to finish (GET /api/knowledge/jobs), or upload without `Prefer: respond-async`",
    },
  );
}

function queueFull(max: number): AlambiqueError {
  return new AlambiqueError(
    `the uploads queued for this tenant would go past their bound of ${Math.round(max / 2 ** 20)} MiB`,
    {
      code: "upload_queue_full",
      status: 413,
      retryable: true,
      hint: "wait for the queued ingestion jobs to finish (their files are then removed), or upload without `Prefer: respond-async`",
    },
  );
}
