import { setTimeout as nextTurn } from "node:timers/promises";
import type { KnowledgeSource } from "../spec/knowledge.js";
import type { Store } from "../spec/store.js";

/** Store work per call, in ms: batches are sized to it as writing goes (chunks differ in cost). */
export const writeSliceMs = 8;
/**
 * Most chunks committed at once: a commit (its sync to disk, FTS5's flush,
 * SQLite's checkpoint) costs about 5 ms per 1,000 chunks, in one call.
 */
export const maxChunksPerTransaction = 5_000;
const firstBatch = 16;
const maxBatch = 1024;

type SourceInput = Parameters<Store["knowledge"]["putSource"]>[0];

/**
 * Stores a source with its chunks (replacing one with the same uri) in
 * batches sized to about `writeSliceMs` of work each, with a turn of the
 * event loop between them: a synchronous driver writing 20,000 chunks in
 * one call would hold the server for seconds. Up to
 * `maxChunksPerTransaction` chunks, in one transaction, as `putSource` does
 * (other store calls wait for it: they are queued, not blocked). A larger
 * source is committed in several, so that no commit holds the server long
 * either: until the last one, its hash is `pending:<hash>`, which no file
 * matches, so that a source cut short (a crash) is read again by the next
 * ingestion; meanwhile searches see its chunks as they come.
 */
export async function writeSource(
  store: Pick<Store, "knowledge" | "transaction">,
  input: SourceInput,
): Promise<KnowledgeSource> {
  const { chunks } = input;
  if (chunks.length <= firstBatch) return store.knowledge.putSource(input);
  if (chunks.length <= maxChunksPerTransaction) {
    return store.transaction((tx) => writeBatches(tx, input, 0, chunks.length));
  }
  const provisional = { ...input, contentHash: `pending:${input.contentHash}` };
  let source: KnowledgeSource | undefined;
  for (let at = 0; at < chunks.length; at += maxChunksPerTransaction) {
    const end = Math.min(chunks.length, at + maxChunksPerTransaction);
    const done = source;
    source = await store.transaction((tx) =>
      writeBatches(tx, provisional, at, end, done, end === chunks.length ? input.contentHash : undefined),
    );
    await nextTurn(0);
  }
  return source!;
}

/**
 * Chunks `from`..`to` of `input`, in batches: the first by `putSource`
 * unless `source` is given (it was put earlier), the others appended; the
 * last sets `finalHash` when given.
 */
async function writeBatches(
  tx: Pick<Store, "knowledge">,
  input: SourceInput,
  from: number,
  to: number,
  source?: KnowledgeSource,
  finalHash?: string,
): Promise<KnowledgeSource> {
  const { tenantId, agentId, chunks } = input;
  let at = from;
  let size = firstBatch;
  let started = performance.now();
  if (!source) {
    source = await tx.knowledge.putSource({ ...input, chunks: chunks.slice(at, at + size) });
    at += size;
  }
  while (at < to) {
    size = nextSize(size, performance.now() - started);
    await nextTurn(0); // through the timers and the poll phase: waiting requests are served
    started = performance.now();
    const end = Math.min(to, at + size);
    source = await tx.knowledge.appendChunks({
      tenantId,
      agentId,
      sourceId: source.id,
      chunks: chunks.slice(at, end),
      ...(end === to && finalHash ? { contentHash: finalHash } : {}),
    });
    at = end;
  }
  return source;
}

/** The next batch's size, from how long the last one (of `size` chunks) took. */
function nextSize(size: number, ms: number): number {
  const fitted = Math.round((size * writeSliceMs) / Math.max(ms, 0.5));
  return Math.max(1, Math.min(maxBatch, fitted, size * 2));
}
