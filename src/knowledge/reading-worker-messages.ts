import type { ChunkInput } from "../spec/knowledge.js";
import { IngestLimitError, type IngestLimitName } from "./ingest-limit-error.js";
import type { DocumentUsage } from "./read-budget.js";

/** What a reading worker (`reading-worker.ts`) posts to the thread that started it. */
export type ReadingWorkerMessage =
  | { type: "chunks"; chunks: ChunkInput[] }
  | { type: "progress"; usage: DocumentUsage }
  /** `heapBytes`: what the worker's JS heap holds now, garbage not yet collected included. */
  | { type: "done"; usage: DocumentUsage; heapBytes: number }
  | { type: "error"; error: SentError };

/** An error as it crosses threads: what the ingestion report's reasons are made from. */
export interface SentError {
  name: string;
  message: string;
  code?: string;
  /** For `IngestLimitError`. */
  limit?: IngestLimitName;
  uri?: string;
  hint?: string;
}

export function sendError(error: unknown): SentError {
  if (IngestLimitError.isInstance(error)) {
    return {
      name: "IngestLimitError",
      message: error.message,
      limit: error.limit,
      uri: error.uri,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(error),
    ...(typeof code === "string" ? { code } : {}),
  };
}

/**
 * The error again on this side, as the ingestion tells errors apart: by
 * class (`IngestLimitError`, `SyntaxError`), `name` (PDF.js's) and `code`
 * (file system, CSV parser).
 */
export function receiveError(sent: SentError): Error {
  if (sent.name === "IngestLimitError" && sent.limit && sent.uri !== undefined) {
    // The message already names the file and the limit: keep it as it was made.
    const error = new IngestLimitError(sent.limit, sent.uri, "", sent.hint);
    Object.defineProperty(error, "message", { value: sent.message });
    return error;
  }
  const error = sent.name === "SyntaxError" ? new SyntaxError(sent.message) : new Error(sent.message);
  if (sent.name !== "SyntaxError") error.name = sent.name;
  if (sent.code !== undefined) Object.assign(error, { code: sent.code });
  return error;
}
