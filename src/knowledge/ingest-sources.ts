import type { ChunkInput, SourceKind } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { StoreRepositories } from "../spec/store.js";
import { type ChunkSizes, defaultChunkSizes } from "./chunk-draft.js";
import { detectSourceKind } from "./detect-source-kind.js";
import { embedPendingChunks } from "./embed-pending-chunks.js";
import { expandPaths, type FoundFile, type SkippedPath } from "./expand-paths.js";
import { extractChunks } from "./extract-chunks.js";
import { hashFile } from "./hash-file.js";
import { readHead } from "./read-text.js";

/** Default cap on one file's size: 50 MiB. */
export const defaultMaxFileBytes = 50 * 2 ** 20;

export interface IngestOptions {
  store: Pick<StoreRepositories, "knowledge">;
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
  /** Files larger than this are skipped with a reason. Default `defaultMaxFileBytes`. */
  maxFileBytes?: number;
  chunkSizes?: ChunkSizes;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export type IngestProgress =
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

async function ingestNow(options: IngestOptions): Promise<IngestReport> {
  const { store, tenantId, agentId, signal } = options;
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const report: IngestReport = {
    added: [],
    updated: [],
    unchanged: [],
    duplicates: [],
    skipped: [],
    chunks: 0,
    embedded: 0,
    bytes: 0,
  };
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

  const bytesTotal = files.reduce((sum, file) => sum + file.bytes, 0);
  for (const [index, { file, hash, reason }] of hashed.entries()) {
    signal?.throwIfAborted();
    report.bytes += file.bytes;
    const twin = hash === undefined ? undefined : holder.get(hash);
    if (hash === undefined) report.skipped.push({ path: file.uri, reason: reason ?? "cannot read it" });
    else if (storedHash.get(file.uri) === hash) report.unchanged.push(file.uri);
    // A known source whose bytes changed is updated even when they match another one's: keeping
    // its old text would leave stale knowledge behind.
    else if (twin !== undefined && twin !== file.uri && !storedHash.has(file.uri))
      report.duplicates.push({ uri: file.uri, duplicateOf: twin });
    else {
      const outcome = await parse(file, options.chunkSizes ?? defaultChunkSizes);
      if ("reason" in outcome) report.skipped.push({ path: file.uri, reason: outcome.reason });
      else {
        await store.knowledge.putSource({
          tenantId,
          agentId,
          uri: file.uri,
          kind: outcome.kind,
          contentHash: hash,
          bytes: file.bytes,
          chunks: outcome.chunks,
        });
        (storedHash.has(file.uri) ? report.updated : report.added).push(file.uri);
        holder.set(hash, file.uri);
        report.chunks += outcome.chunks.length;
      }
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

/** A file's chunks, or why it has none we can use; its own failures become the reason. */
async function parse(
  file: FoundFile,
  sizes: ChunkSizes,
): Promise<{ kind: SourceKind; chunks: ChunkInput[] } | { reason: string }> {
  try {
    const detected = detectSourceKind(file.path, await readHead(file.path));
    if (!detected.ok) return { reason: detected.reason };
    const chunks: ChunkInput[] = [];
    for await (const draft of extractChunks(file.path, detected.kind, detected.encoding, sizes)) {
      chunks.push({ ...draft, ordinal: chunks.length });
    }
    if (chunks.length > 0) return { kind: detected.kind, chunks };
    return {
      reason:
        detected.kind === "pdf"
          ? "no text in this PDF: if it is scanned, run it through OCR (text recognition) first"
          : "no text found in it",
    };
  } catch (error) {
    return { reason: describeReadError(error) };
  }
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
