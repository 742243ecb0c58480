/**
 * A queued knowledge upload as a job of kind `ingest`: what the job is
 * (`IngestJobPayload`, written once when queued) and what it has done
 * (`IngestJobState`, the job's checkpoint, which its status route and
 * `alambique jobs` show).
 */
import { z } from "zod";
import type { JsonValue } from "../spec/json.js";
import type { IngestReport } from "./ingest-sources.js";

export const INGEST_JOB_KIND = "ingest";

export const ingestJobPayloadSchema = z.object({
  agent: z.object({ id: z.string(), name: z.string() }),
  /** The upload's files in the store (`store.uploads`), removed when the job ends. */
  uploadId: z.string().min(1),
  /** Their names, in the order received. */
  files: z.array(z.string()),
  bytes: z.int().nonnegative(),
  /** The route's cap on one file: the same report as a synchronous upload of the same files. */
  maxFileBytes: z.int().positive(),
});
export type IngestJobPayload = z.infer<typeof ingestJobPayloadSchema>;

/** Why a job failed, as a synchronous upload would have answered it (`document_too_large`, with the file as `param`). */
export interface IngestJobError {
  code: string;
  status: number;
  message: string;
  param: string | null;
  hint: string | null;
}

export interface IngestJobState {
  stage: "queued" | "reading" | "storing" | "embedding" | "done";
  /** Documents read (then stored) of all in the upload. */
  documents: { done: number; total: number };
  /** Chunks made so far (read stage), then stored. */
  chunks: number;
  /** The report once the job has succeeded; null before. */
  report: IngestReport | null;
  error: IngestJobError | null;
}

/** The state in a job's checkpoint; a fresh one when it has none yet (or one this version cannot read). */
export function readIngestJobState(checkpoint: JsonValue, files: number): IngestJobState {
  const fresh: IngestJobState = {
    stage: "queued",
    documents: { done: 0, total: files },
    chunks: 0,
    report: null,
    error: null,
  };
  if (checkpoint === null || typeof checkpoint !== "object" || Array.isArray(checkpoint)) return fresh;
  return { ...fresh, ...(checkpoint as Partial<IngestJobState>) };
}
