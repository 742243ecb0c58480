import { join } from "node:path";
import type { FastifyReply } from "fastify";
import { enqueueIngestJob } from "../../knowledge/enqueue-ingest-job.js";
import type { AgentRecord } from "../../spec/store.js";
import type { ApiDeps } from "./api-deps.js";
import { findIngestJob, ingestJobUrl } from "./knowledge-jobs-routes.js";

/**
 * Whether the client asked for the upload to be queued: RFC 7240's
 * `Prefer: respond-async` (other preferences beside it are ignored).
 */
export function wantsAsync(prefer: string | string[] | undefined): boolean {
  const value = Array.isArray(prefer) ? prefer.join(",") : prefer;
  return value !== undefined && /(^|,)\s*respond-async\s*(;|,|$)/i.test(value);
}

/**
 * The queued path of `POST /api/agents/:name/knowledge`: the files received
 * in `dir` are copied into the store and an `ingest` job is queued for any
 * worker; answers 202 with the job, its `Location` and
 * `Preference-Applied: respond-async`. Throws 413 `upload_queue_full` when
 * the tenant's queued uploads would go past their bound (nothing kept).
 */
export async function queueUpload(
  deps: ApiDeps,
  agent: AgentRecord,
  received: { dir: string; names: string[] },
  reply: FastifyReply,
) {
  const job = await enqueueIngestJob({
    store: deps.store,
    agent,
    files: received.names.map((name) => ({ name, path: join(received.dir, name) })),
    maxFileBytes: deps.maxUploadBytes,
    ...(deps.maxQueuedUploadBytes ? { maxQueuedBytes: deps.maxQueuedUploadBytes } : {}),
  });
  reply.status(202).header("location", ingestJobUrl(job.id)).header("preference-applied", "respond-async");
  return findIngestJob(deps.store, agent.tenantId, job.id);
}
