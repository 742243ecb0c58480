import type { ChunkInput, SourceKind } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { Store } from "../spec/store.js";
import { type ChunkSizes, defaultChunkSizes } from "./chunk-draft.js";
import { detectSourceKind } from "./detect-source-kind.js";
import { embedPendingChunks } from "./embed-pending-chunks.js";
import { expandPaths, type FoundFile, type SkippedPath } from "./expand-paths.js";
import { hashFile } from "./hash-file.js";
import { IngestLimitError } from "./ingest-limit-error.js";
import {
  type DocumentLimits,
  defaultIngestLimits,
  type IngestLimits,
  type IngestLimitsInput,
  resolveIngestLimits,
} from "./ingest-limits.js";
import type { DocumentUsage, ReadBudget } from "./read-budget.js";
import type { ReadRequest } from "./read-document.js";
import { type DocumentRead, readInWorker } from "./read-in-worker.js";
import { readHead } from "./read-text.js";
import { writeSource } from "./write-source.js";

/** Default cap on one file's size: 50 MiB. */
export const defaultMaxFileBytes = defaultIngestLimits.fileBytes;

/**
 * Files up to this size are read on the calling thread, PDFs aside: a worker
 * (some 30 ms to start) costs more than their reading, which the chunkers
 * keep linear, so that the longest it holds the event loop is a few tens of
 * ms (a 64 KiB JSON document, parsed whole). Larger ones, and every PDF
 * (a small one may inflate to gigabytes), are read in a worker thread of
 * their own (`readInWorker`).
 */
export const inlineMaxBytes = 64 * 1024;

export interface IngestOptions {
  store: Pick<Store, "knowledge" | "transaction">;
  tenantId: string;
  agentId: string;
  /** Files and folders, relative to `baseDir` (or absolute). */
  paths: string[];
  /** What source URIs are relative to: the agent file's folder, or the current folder. */
  baseDir: string;
  /** When given, new chunks are embedded after ingestion (vectors stored under `embeddingModelName`). */
  embed?: EmbeddingModelV3;
  /** Default `embed.modelId`; use the catalog name so that the retriever and later runs agree. */
  embeddingModelName?: string;
  /** Files larger than this are skipped with a reason. Default `limits.fileBytes`. */
  maxFileBytes?: number;
  /** What reading may cost, per document and for this whole run; `defaultIngestLimits` for what is left out. */
  limits?: IngestLimitsInput;
  chunkSizes?: ChunkSizes;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export type IngestProgress =
  /** A document being read (at most every 100 ms while it is, and once when it is done). */
  | {
      stage: "read";
      /** Files examined before this one. */
      done: number;
      total: number;
      uri: string;
      /** Pages read and pages in all (PDF; 0 otherwise). */
      pages: number;
      pagesTotal: number;
      chunks: number;
    }
  /** A file settled (stored, or found unchanged, duplicate, skipped), in order, once all are read. */
  | { stage: "files"; done: number; total: number; bytesDone: number; bytesTotal: number; uri: string }
  | { stage: "embed"; done: number };

export interface IngestReport {
  /** Source URIs new to the agent. */
  added: string[];
  /** Source URIs whose content changed: their chunks were replaced. */
  updated: string[];
  /** Source URIs whose content hash is the stored one: not read again. */
  unchanged: string[];
  /** Files whose bytes equal another source's: ingested once, under the first name. */
  duplicates: { uri: string; duplicateOf: string }[];
  /** What could not be ingested, and why (the rest was). */
  skipped: SkippedPath[];
  /** Chunks written by this run. */
  chunks: number;
  /** Vectors written by this run (0 without `embed`). */
  embedded: number;
  /** Bytes of the files examined. */
  bytes: number;
}

/**
 * Adds files and folders to an agent's knowledge.
 *
 * Each file is hashed first (SHA-256, streamed): a source whose stored hash
 * matches is left alone, a changed one is replaced whole (`putSource`), and a
 * file with the same bytes as another source (already stored, or earlier in
 * this run) is reported as a duplicate and not stored twice. Then its format
 * is detected and it is chunked; a file that is too big, unreadable, of an
 * unsupported format, damaged, or without any text is skipped with the
 * reason, and ingestion goes on with the rest. Store failures are not a
 * file's fault: they are thrown.
 *
 * Reading is bounded by `limits` (see `IngestLimits`): a document that goes
 * past one, or takes the run past one of its totals, makes the whole run
 * throw `IngestLimitError` (413/422) before anything is stored: every file
 * is read first, then all are stored. PDFs and larger files are read in
 * worker threads (parsing never holds the caller's event loop) and stored in
 * batches with turns of the event loop between them.
 *
 * Document text is data: instructions inside a document ("ignore previous
 * instructions") are stored verbatim like any other text; nothing here
 * interprets them. Sources are never removed here (see `removeSource`).
 */
export function ingestSources(options: IngestOptions): Promise<IngestReport> {
  // One ingest at a time per agent (in this process): two at once would compare against the same stored
  // hashes and replace each other's chunks while vectors are being written for them.
  const key = `${options.tenantId}\u0000${options.agentId}`;
  const previous = running.get(key) ?? Promise.resolve();
  const run = previous.then(() => ingestNow(options));
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  running.set(key, settled);
  void settled.then(() => {
    if (running.get(key) === settled) running.delete(key);
  });
  return run;
}

const running = new Map<string, Promise<void>>();

/** What became of one file, decided while reading; applied to the store and the report once all are read. */
type Outcome =
  | { file: FoundFile; skipped: string }
  | { file: FoundFile; unchanged: true }
  | { file: FoundFile; duplicateOf: string }
  | { file: FoundFile; hash: string; kind: SourceKind; chunks: ChunkInput[] };

/** A report of nothing done: what an ingest starts from. */
export function emptyIngestReport(): IngestReport {
  return {
    added: [],
    updated: [],
    unchanged: [],
    duplicates: [],
    skipped: [],
    chunks: 0,
    embedded: 0,
    bytes: 0,
  };
}

async function ingestNow(options: IngestOptions): Promise<IngestReport> {
  const { store, tenantId, agentId, signal } = options;
  const limits = resolveIngestLimits(options.limits);
  const maxFileBytes = options.maxFileBytes ?? limits.fileBytes;
  const report = emptyIngestReport();
  const { files, skipped } = await expandPaths(options.paths, options.baseDir);
  report.skipped.push(...skipped);
  const stored = await store.knowledge.listSources(tenantId, agentId);
  const storedHash = new Map(stored.map((source) => [source.uri, source.contentHash]));

  // First pass: every file's hash. Knowing them all up front makes duplicates independent of
  // file order: bytes count as held by a source only if they will still be there after this run.
  const hashed: { file: FoundFile; hash?: string; reason?: string }[] = [];
  for (const file of files) {
    signal?.throwIfAborted();
    if (file.bytes > maxFileBytes) {
      hashed.push({ file, reason: tooBig(file.bytes, maxFileBytes) });
      continue;
    }
    try {
      hashed.push({ file, hash: await hashFile(file.path) });
    } catch (error) {
      hashed.push({ file, reason: describeReadError(error) });
    }
  }
  const newHash = new Map(hashed.flatMap(({ file, hash }) => (hash === undefined ? [] : [[file.uri, hash]])));
  /** Who holds each content hash: first the stored sources this run will not change. */
  const holder = new Map<string, string>();
  for (const source of stored) {
    const next = newHash.get(source.uri);
    if (next === undefined || next === source.contentHash) holder.set(source.contentHash, source.uri);
  }

  // Second pass: read what is new or changed, within the limits. Nothing is stored yet.
  const used: DocumentLimits = { decodedBytes: 0, pages: 0, chars: 0 };
  const outcomes: Outcome[] = [];
  for (const [index, { file, hash, reason }] of hashed.entries()) {
    signal?.throwIfAborted();
    const twin = hash === undefined ? undefined : holder.get(hash);
    if (hash === undefined) outcomes.push({ file, skipped: reason ?? "cannot read it" });
    else if (storedHash.get(file.uri) === hash) outcomes.push({ file, unchanged: true });
    // A known source whose bytes changed is updated even when they match another one's: keeping
    // its old text would leave stale knowledge behind.
    else if (twin !== undefined && twin !== file.uri && !storedHash.has(file.uri))
      outcomes.push({ file, duplicateOf: twin });
    else {
      const budget: ReadBudget = {
        uri: file.uri,
        document: limits.document,
        upload: limits.upload,
        uploadLeft: {
          decodedBytes: limits.upload.decodedBytes - used.decodedBytes,
          pages: limits.upload.pages - used.pages,
          chars: limits.upload.chars - used.chars,
        },
      };
      const progress = (usage: DocumentUsage) =>
        options.onProgress?.({
          stage: "read",
          done: index,
          total: files.length,
          uri: file.uri,
          pages: usage.pages,
          pagesTotal: usage.pagesTotal,
          chunks: usage.chunks,
        });
      const outcome = await readSource(file, budget, options.chunkSizes ?? defaultChunkSizes, limits, {
        ...(signal ? { signal } : {}),
        onProgress: progress,
      });
      if ("reason" in outcome) outcomes.push({ file, skipped: outcome.reason });
      else {
        used.decodedBytes += outcome.usage.decodedBytes;
        used.pages += outcome.usage.pages;
        used.chars += outcome.usage.chars;
        progress(outcome.usage);
        holder.set(hash, file.uri);
        outcomes.push({
          file,
          hash,
          kind: outcome.kind,
          chunks: outcome.chunks,
        });
      }
    }
  }

  // Third pass: store, in order.
  const bytesTotal = files.reduce((sum, file) => sum + file.bytes, 0);
  for (const [index, outcome] of outcomes.entries()) {
    signal?.throwIfAborted();
    const { file } = outcome;
    report.bytes += file.bytes;
    if ("skipped" in outcome) report.skipped.push({ path: file.uri, reason: outcome.skipped });
    else if ("unchanged" in outcome) report.unchanged.push(file.uri);
    else if ("duplicateOf" in outcome)
      report.duplicates.push({ uri: file.uri, duplicateOf: outcome.duplicateOf });
    else {
      await writeSource(store, {
        tenantId,
        agentId,
        uri: file.uri,
        kind: outcome.kind,
        contentHash: outcome.hash,
        bytes: file.bytes,
        chunks: outcome.chunks,
      });
      (storedHash.has(file.uri) ? report.updated : report.added).push(file.uri);
      report.chunks += outcome.chunks.length;
    }
    options.onProgress?.({
      stage: "files",
      done: index + 1,
      total: files.length,
      bytesDone: report.bytes,
      bytesTotal,
      uri: file.uri,
    });
  }

  if (options.embed) {
    report.embedded = await embedPendingChunks({
      store,
      tenantId,
      agentId,
      model: options.embed,
      ...(options.embeddingModelName ? { modelName: options.embeddingModelName } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (done) => options.onProgress?.({ stage: "embed", done }),
    });
  }
  return report;
}

/**
 * A file's chunks and what reading it used, or why it has none we can use;
 * its own failures become the reason. Throws `IngestLimitError` (a limit is
 * the caller's to answer, not a file to skip) and the abort reason.
 */
async function readSource(
  file: FoundFile,
  budget: ReadBudget,
  sizes: ChunkSizes,
  limits: IngestLimits,
  options: { signal?: AbortSignal; onProgress: (usage: DocumentUsage) => void },
): Promise<{ kind: SourceKind; chunks: ChunkInput[]; usage: DocumentUsage } | { reason: string }> {
  try {
    const detected = detectSourceKind(file.path, await readHead(file.path));
    if (!detected.ok) return { reason: detected.reason };
    const request: ReadRequest = {
      path: file.path,
      kind: detected.kind,
      encoding: detected.encoding,
      sizes,
      budget,
    };
    const read =
      detected.kind === "pdf" || file.bytes > inlineMaxBytes
        ? await readInWorker(request, {
            timeoutMs: limits.timeoutMs,
            memoryMb: limits.memoryMb,
            concurrency: limits.concurrency,
            ...options,
          })
        : await readHere(request);
    if (read.chunks.length > 0) return { kind: detected.kind, chunks: read.chunks, usage: read.usage };
    return {
      reason:
        detected.kind === "pdf"
          ? "no text in this PDF: if it is scanned, run it through OCR (text recognition) first"
          : "no text found in it",
    };
  } catch (error) {
    if (IngestLimitError.isInstance(error) || options.signal?.aborted) throw error;
    return { reason: describeReadError(error) };
  }
}

/**
 * A small document read on this thread. The readers (htmlparser2, csv-parse: ~70 ms of CPU to import) are imported
 * on the first read, not with the server that may ingest.
 */
async function readHere(request: ReadRequest): Promise<DocumentRead> {
  const { readDocument } = await import("./read-document.js");
  const chunks: ChunkInput[] = [];
  const usage = await readDocument(request, { chunk: (chunk) => chunks.push(chunk) });
  return { chunks, usage };
}

function tooBig(bytes: number, max: number): string {
  return `${formatSize(bytes)} is over the ${formatSize(max)} limit for one file: split it into smaller files`;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied: make it readable by this user";
  if (code === "ENOENT") return "it vanished while being read";
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SyntaxError) return `invalid JSON: ${message}`;
  if ((error as Error)?.name === "PasswordException")
    return "the PDF is password-protected: save an unprotected copy";
  if ((error as Error)?.name === "InvalidPDFException") return `damaged PDF: ${message}`;
  if (typeof code === "string" && code.startsWith("CSV_")) return `malformed CSV: ${message}`;
  return `cannot read it: ${message}`;
}

function formatSize(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}
