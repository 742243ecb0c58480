import { z } from "zod";
import {
  INGEST_JOB_KIND,
  ingestJobPayloadSchema,
  readIngestJobState,
} from "../../knowledge/ingest-job-payload.js";
import { NotFoundError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import type { ApiDeps } from "./api-deps.js";
import { idParams, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { ingestReportSchema } from "./ingest-report-schema.js";

export const ingestJobSchema = z
  .object({
    id: z.string(),
    kind: z.literal(INGEST_JOB_KIND),
    agent: z.string().meta({ description: "The agent's name when the upload was queued" }),
    status: z.enum(["queued", "running", "paused", "succeeded", "failed", "cancelled"]),
    progress: z.number().meta({ description: "0..1: reading is the first half, storing the second" }),
    stage: z.enum(["queued", "reading", "storing", "embedding", "done"]),
    documents: z.object({ done: z.int(), total: z.int() }).meta({
      description: "Documents read (stage `reading`), then stored (`storing`), of the upload's files",
    }),
    chunks: z.int().meta({ description: "Chunks made so far; once done, the chunks written" }),
    files: z.array(z.string()),
    bytes: z.int(),
    attempts: z.int().meta({ description: "2 or more when a worker died and another took the job over" }),
    report: ingestReportSchema
      .nullable()
      .meta({ description: "Once succeeded: what a synchronous upload would have answered" }),
    error: z
      .object({
        code: z.string(),
        status: z.int(),
        message: z.string(),
        param: z.string().nullable(),
        hint: z.string().nullable(),
      })
      .nullable()
      .meta({
        description:
          "Once failed: the error a synchronous upload would have answered (`document_too_large` with the file as `param`…)",
      }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "IngestJob" });

/** Where a queued upload's job is polled. */
/** `GET /api/knowledge/jobs` lists the newest this many (a tenant may have run any number). */
export const listedIngestJobs = 100;

export const ingestJobUrl = (id: string) => `/api/knowledge/jobs/${encodeURIComponent(id)}`;

/** A job as its status route shows it; undefined for a payload this version cannot read. */
export function toIngestJob(job: Job): z.input<typeof ingestJobSchema> | undefined {
  const payload = ingestJobPayloadSchema.safeParse(job.payload);
  if (!payload.success) return undefined;
  const state = readIngestJobState(job.checkpoint, payload.data.files.length);
  const failure =
    state.error ??
    (job.status === "failed" && job.error
      ? { code: "internal_error", status: 500, message: job.error, param: null, hint: null }
      : null);
  return {
    id: job.id,
    kind: INGEST_JOB_KIND,
    agent: payload.data.agent.name,
    status: job.status,
    progress: job.progress,
    stage: state.stage,
    documents: state.documents,
    chunks: state.chunks,
    files: payload.data.files,
    bytes: payload.data.bytes,
    attempts: job.attempts,
    report: state.report,
    error: failure,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

/** The tenant's ingestion job `id`; NotFoundError for any other (another tenant's answers as absent). */
export async function findIngestJob(store: Store, tenantId: string, id: string) {
  const job = await store.jobs.get(id);
  const view =
    job && job.tenantId === tenantId && job.kind === INGEST_JOB_KIND ? toIngestJob(job) : undefined;
  if (!view) throw new NotFoundError("ingestion job", id, "GET /api/knowledge/jobs lists them");
  return view;
}

/** `/api/knowledge/jobs`: the queued uploads (`Prefer: respond-async`) of the caller's tenant, and their progress. */
export function knowledgeJobsRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/knowledge/jobs",
      tag: "knowledge",
      summary: "The tenant's queued knowledge uploads",
      description:
        "Ingestion jobs (`POST /api/agents/:name/knowledge` with `Prefer: respond-async`), newest first, the newest 100. A worker (`alambique worker`, or `serve`'s own runner) runs them.",
      access: "admin",
      response: { description: "Newest first", schema: listOf(ingestJobSchema) },
      errors: [],
      async handler({ auth }) {
        const jobs = await store.jobs.list({
          kind: INGEST_JOB_KIND,
          tenantId: auth.tenantId,
          newest: listedIngestJobs,
        });
        const views = jobs.reverse().flatMap((job) => toIngestJob(job) ?? []);
        return { data: views };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/knowledge/jobs/:id",
      tag: "knowledge",
      summary: "A queued knowledge upload's progress and report",
      description:
        "Poll it (the `Location` of the 202 that queued it) until `status` is `succeeded` (the `report`, as a synchronous upload answers it) or `failed` (the `error` it would have answered). Another tenant's job is 404.",
      access: "admin",
      params: idParams,
      response: { description: "The job", schema: ingestJobSchema },
      errors: [404],
      async handler({ auth, params }) {
        return findIngestJob(store, auth.tenantId, params.id);
      },
    }),
  ];
}
