import type { KnowledgeLimitsConfig } from "../spec/config.js";

/** What reading one document, or all the documents of one ingestion, may cost. */
export interface DocumentLimits {
  /**
   * Bytes a PDF's compressed streams may inflate to (content, fonts, object
   * streams; images are left out: text extraction never decodes them).
   */
  decodedBytes: number;
  /** Pages of a PDF. */
  pages: number;
  /** Characters of text in the chunks made from it. */
  chars: number;
}

/**
 * Bounds on ingestion (`knowledge.limits` in alambique.yaml). Past any of
 * them the document is refused with an `IngestLimitError` naming the limit:
 * a small file that inflates to gigabytes (a decompression bomb), thousands
 * of pages, or a parse that never ends cannot take the server's memory or time.
 */
export interface IngestLimits {
  /** Largest file, in bytes (larger ones are skipped with the reason). */
  fileBytes: number;
  /** Per document. */
  document: DocumentLimits;
  /** All the documents of one ingestion together: one HTTP upload, one `alambique knowledge add`. */
  upload: DocumentLimits;
  /** Wall time to read one document, in ms; past it its worker is stopped. */
  timeoutMs: number;
  /**
   * Memory one document's reading may take, in MiB: its worker's JS heap
   * limit, and how far the process's resident memory may grow while it runs
   * (checked every 20 ms) before the worker is stopped.
   */
  memoryMb: number;
  /** Documents read at once in this process (each in its own worker thread); others wait their turn. */
  concurrency: number;
}

const mib = 2 ** 20;

/** The defaults: a 5,000-page text PDF fits; a 1 MB file inflating to 1 GB does not. */
export const defaultIngestLimits: IngestLimits = {
  fileBytes: 50 * mib,
  document: { decodedBytes: 256 * mib, pages: 10_000, chars: 20_000_000 },
  upload: { decodedBytes: 1024 * mib, pages: 20_000, chars: 50_000_000 },
  timeoutMs: 60_000,
  memoryMb: 1024,
  concurrency: 2,
};

/** Input form: every key optional (the config file's `knowledge.limits`). */
export type IngestLimitsInput = KnowledgeLimitsConfig;

/** `input` over the defaults, key by key. */
export function resolveIngestLimits(input: IngestLimitsInput = {}): IngestLimits {
  const d = defaultIngestLimits;
  return {
    fileBytes: input.fileBytes ?? d.fileBytes,
    document: { ...d.document, ...definedOnly(input.document) },
    upload: { ...d.upload, ...definedOnly(input.upload) },
    timeoutMs: input.timeoutMs ?? d.timeoutMs,
    memoryMb: input.memoryMb ?? d.memoryMb,
    concurrency: input.concurrency ?? d.concurrency,
  };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `1.5 MiB`, `64 KiB`, `12 bytes`: sizes as limits and errors state them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= mib) return `${+(bytes / mib).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}
