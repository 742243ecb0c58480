import type { ChunkInput, SourceKind } from "../spec/knowledge.js";
import type { ChunkSizes } from "./chunk-draft.js";
import type { TextEncodingName } from "./decode-text.js";
import { extractChunks } from "./extract-chunks.js";
import { checkBudget, type DocumentUsage, emptyUsage, type ReadBudget } from "./read-budget.js";

/** One document to read: plain data, so that it can be handed to a worker thread as it is. */
export interface ReadRequest {
  path: string;
  kind: SourceKind;
  encoding: TextEncodingName;
  sizes: ChunkSizes;
  budget: ReadBudget;
}

export interface ReadSink {
  /** Each chunk, in reading order, numbered from 0 (`ordinal`). */
  chunk(chunk: ChunkInput): void;
  /** What has been read so far; called after each page of a PDF and every 256 chunks. */
  progress?(usage: DocumentUsage): void;
}

/**
 * Reads one document into chunks within its budget: what a PDF inflates to
 * and its pages (checked before they are read, see `chunkPdf`), and the
 * characters of all its chunks (checked as they come). Resolves with what
 * it used; throws `IngestLimitError` past a limit, else what the format's
 * parser throws. The same in a worker thread and on the caller's.
 */
export async function readDocument(request: ReadRequest, sink: ReadSink): Promise<DocumentUsage> {
  const { budget } = request;
  const usage = emptyUsage();
  const drafts = extractChunks(request.path, request.kind, request.encoding, request.sizes, {
    budget,
    usage,
    ...(sink.progress ? { onPage: (u: DocumentUsage) => sink.progress?.(u) } : {}),
  });
  for await (const draft of drafts) {
    usage.chars += draft.text.length;
    checkBudget(budget, "chars", usage.chars);
    sink.chunk(Object.assign(draft, { ordinal: usage.chunks++ }));
    if (usage.chunks % 256 === 0) sink.progress?.(usage);
  }
  return usage;
}
