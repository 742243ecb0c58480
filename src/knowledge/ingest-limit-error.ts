import { AlambiqueError, errorMarker, hasErrorMarker } from "../spec/errors.js";

/** The limits an ingestion can hit, named as in alambique.yaml under `knowledge.limits`. */
export type IngestLimitName =
  | "document.decodedBytes"
  | "document.pages"
  | "document.chars"
  | "upload.decodedBytes"
  | "upload.pages"
  | "upload.chars"
  | "timeoutMs"
  | "memoryMb";

const marker = errorMarker("IngestLimitError");

/**
 * A document (or an ingestion's documents together) went past one of the
 * ingestion limits. Status 413 for sizes (`document_too_large`,
 * `upload_too_large`), 422 for a document that took too long to read
 * (`document_too_slow`). The message names the file and the limit
 * (`knowledge.limits.<limit>`); the hint says how to get under it.
 */
export class IngestLimitError extends AlambiqueError {
  readonly [marker] = true;
  readonly limit: IngestLimitName;
  /** The document being read when the limit was reached. */
  readonly uri: string;

  constructor(limit: IngestLimitName, uri: string, message: string, hint?: string) {
    super(`${JSON.stringify(uri)}: ${message} (knowledge.limits.${limit})`, {
      code:
        limit === "timeoutMs"
          ? "document_too_slow"
          : limit.startsWith("upload.")
            ? "upload_too_large"
            : "document_too_large",
      status: limit === "timeoutMs" ? 422 : 413,
      retryable: false,
      hint:
        hint ??
        (limit.startsWith("upload.")
          ? "send the files in several smaller uploads"
          : "split it into smaller files"),
    });
    this.limit = limit;
    this.uri = uri;
  }

  static override isInstance(value: unknown): value is IngestLimitError {
    return hasErrorMarker(value, marker);
  }
}
