import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { IngestLimitError } from "../../knowledge/ingest-limit-error.js";
import {
  emptyIngestReport,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  ingestSources,
} from "../../knowledge/ingest-sources.js";
import { NotFoundError } from "../../spec/errors.js";
import type { EmbeddingModelV3 } from "../../spec/models.js";
import type { AgentRecord } from "../../spec/store.js";
import { toOpenAIError } from "../openai-error.js";
import { RequestError } from "../request-error.js";
import { agentNameParams } from "./agents-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { deletedSchema, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";
import { ingestReportSchema } from "./ingest-report-schema.js";
import { ingestJobSchema } from "./knowledge-jobs-routes.js";
import { queueUpload, wantsAsync } from "./queue-upload.js";
import { receiveUploads } from "./receive-uploads.js";

export const knowledgeSourceSchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    uri: z.string().meta({ description: "The uploaded file's name; uploading that name again replaces it" }),
    kind: z.enum(["markdown", "text", "html", "pdf", "csv", "json"]),
    contentHash: z.string().meta({ description: "SHA-256 of the bytes" }),
    bytes: z.int(),
    chunkCount: z.int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "KnowledgeSource" });

export { ingestReportSchema };

const uploadDoc = z
  .object({
    file: z.array(z.string().meta({ contentMediaType: "application/octet-stream" })).meta({
      description: "One or more files (Markdown, text, HTML, PDF, CSV, JSON), under any field name",
    }),
  })
  .meta({ id: "KnowledgeUpload" });

const sourceParams = z.object({ name: z.string(), sourceId: z.string() });

/** `/api/agents/:name/knowledge`: upload documents, list them, remove one. */
export function knowledgeRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  return [
    defineApiRoute({
      method: "POST",
      path: "/api/agents/:name/knowledge",
      tag: "knowledge",
      summary: "Upload documents into an agent's knowledge",
      description:
        'multipart/form-data, one or more files. Each is stored under its file name: a name already there is replaced when its content changed. Files are streamed to disk, size-capped, then read in worker threads within the `knowledge.limits` (what a PDF inflates to, pages, characters, time and memory, per document and per upload) and stored in batches (embedded when the agent has an embedding model); a file that cannot be used is reported in `skipped` with the reason. A document past a limit fails the whole upload, nothing stored: 413 (`document_too_large`, `upload_too_large`) or 422 (`document_too_slow`), the message naming the file and the limit, `param` the file. With `Accept: application/x-ndjson` the answer is a stream of JSON lines: `{"progress": …}` while documents are read (pages and chunks done) and stored, then `{"report": …}` or `{"error": …}`. With `Prefer: respond-async` (RFC 7240) the upload is queued instead: the files, within the same caps, are kept in the store (bounded per tenant: 413 `upload_queue_full`) for a worker on any machine (`alambique worker`, or the runner inside `serve`) to ingest, and the answer is 202 with the job (`IngestJob`), its `Location` to poll (`GET /api/knowledge/jobs/:id`) and `Preference-Applied: respond-async`; the `report` or `error` of the job is what this route would have answered.',
      access: "admin",
      params: agentNameParams,
      rawBody: { schema: uploadDoc, contentTypes: ["multipart/form-data"] },
      response: {
        description:
          "What was added, updated, left alone or skipped; with `Prefer: respond-async`, 202 and the queued job",
        schema: z.union([ingestReportSchema, ingestJobSchema]),
      },
      errors: [400, 404, 409, 413, 415, 422],
      async handler({ auth, params, request, reply }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const queued = wantsAsync(request.headers.prefer);
        // A queued upload is embedded by the worker that runs it, with its own catalog.
        const embed = queued ? undefined : await embeddingModelOf(deps, agent);
        await mkdir(deps.uploadDir, { recursive: true });
        const dir = await mkdtemp(join(deps.uploadDir, "upload-"));
        try {
          const names = await receiveUploads(request, dir, {
            maxFileBytes: deps.maxUploadBytes,
            maxFiles: deps.maxUploadFiles,
          });
          if (names.length === 0) {
            throw new RequestError("the upload has no file", { code: "no_files", param: "file" });
          }
          if (queued) return await queueUpload(deps, agent, { dir, names }, reply);
          // Reading stops when the client goes away: its documents are not left being read for nobody.
          const stop = new AbortController();
          reply.raw.once("close", () => {
            if (!reply.raw.writableFinished) stop.abort();
          });
          const ingest = (onProgress?: (progress: IngestProgress) => void) =>
            ingestSources({
              store,
              tenantId: auth.tenantId,
              agentId: agent.id,
              paths: names,
              baseDir: dir,
              maxFileBytes: deps.maxUploadBytes,
              ...(deps.ingestLimits ? { limits: deps.ingestLimits } : {}),
              ...(embed ? { embed: embed.model, embeddingModelName: embed.name } : {}),
              ...(onProgress ? { onProgress } : {}),
              signal: stop.signal,
            } satisfies IngestOptions).catch((error: unknown) => {
              throw limitAsRequestError(error);
            });
          if (!wantsProgress(request.headers.accept)) return await ingest();
          return await streamProgress(reply, ingest);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/knowledge",
      tag: "knowledge",
      summary: "An agent's knowledge sources",
      access: "admin",
      params: agentNameParams,
      response: { description: "Oldest first", schema: listOf(knowledgeSourceSchema) },
      errors: [404],
      async handler({ auth, params }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        return { data: await store.knowledge.listSources(auth.tenantId, agent.id) };
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/api/agents/:name/knowledge/:sourceId",
      tag: "knowledge",
      summary: "Remove a knowledge source, with its chunks and vectors",
      access: "admin",
      params: sourceParams,
      response: { description: "Removed", schema: deletedSchema },
      errors: [404],
      async handler({ auth, params }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const sources = await store.knowledge.listSources(auth.tenantId, agent.id);
        if (!sources.some((source) => source.id === params.sourceId)) {
          throw new NotFoundError(
            "knowledge source",
            params.sourceId,
            `GET /api/agents/${agent.name}/knowledge lists them`,
          );
        }
        await store.knowledge.removeSource(auth.tenantId, params.sourceId);
        return { id: params.sourceId, deleted: true as const };
      },
    }),
  ];
}

/** An ingestion limit as the client reads it: the file at fault as `param`. */
function limitAsRequestError(error: unknown): unknown {
  if (!IngestLimitError.isInstance(error)) return error;
  return new RequestError(error.message, {
    code: error.code,
    status: error.status,
    param: error.uri,
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}

function wantsProgress(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*application\/x-ndjson\s*(;|,|$)/i.test(accept);
}

/**
 * Answers with JSON lines while `ingest` runs: `{"progress": …}` for each
 * progress event (documents report at most every 100 ms), then
 * `{"report": …}`, or `{"error": …}` as the error would have been answered.
 * Resolves with the report, or an empty one after an error (Fastify drops
 * what a hijacked handler returns; it only has to fit the route's schema).
 */
async function streamProgress(
  reply: FastifyReply,
  ingest: (onProgress: (progress: IngestProgress) => void) => Promise<IngestReport>,
): Promise<IngestReport> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    "content-type": "application/x-ndjson; charset=utf-8",
    "cache-control": "no-store",
  });
  const line = (value: unknown) => {
    if (!raw.destroyed) raw.write(`${JSON.stringify(value)}\n`);
  };
  try {
    const report = await ingest((progress) => line({ progress }));
    line({ report });
    return report;
  } catch (error) {
    const mapped = toOpenAIError(error, reply.request.id);
    if (mapped.internal) reply.request.log.error({ err: error }, "knowledge upload failed");
    line(mapped.body);
    return emptyIngestReport();
  } finally {
    raw.end();
  }
}

/** The agent's embedding model, resolved before anything is received: without it, new chunks would lack vectors. */
export async function embeddingModelOf(
  deps: ApiDeps,
  agent: AgentRecord,
): Promise<{ name: string; model: EmbeddingModelV3 } | undefined> {
  const name = typeof agent.spec.embeddingModel === "string" ? agent.spec.embeddingModel : undefined;
  if (!name) return undefined;
  try {
    return { name, model: await deps.models.embeddingModel(name) };
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
    throw new RequestError(`the agent's embedding model \`${name}\` is not in this server's catalog`, {
      code: "embedding_model_not_found",
      status: 409,
      param: "embeddingModel",
      hint: "add it with `alambique models add`, or remove embeddingModel from the agent's spec",
      cause: error,
    });
  }
}
