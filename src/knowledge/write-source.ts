import { setTimeout as nextTurn } from "node:timers/promises";
import { NotFoundError } from "../spec/errors.js";
import type { KnowledgeSource } from "../spec/knowledge.js";
import { abandonedAfterMs } from "../spec/store/knowledge-repository.js";
import type { Store } from "../spec/store.js";

/** Store work per call, in ms: batches are sized to it as writing goes (chunks differ in cost). */
export const writeSliceMs = 8;
/** See the store's contract: also removed when a store opens (sweep-abandoned-sources.ts). */
export { abandonedAfterMs };

const firstBatch = 16;
const minBatch = 64;
const maxBatch = 1024;

type SourceInput = Parameters<Store["knowledge"]["putSource"]>[0];

export interface WriteSourceOptions {
  /** Overrides `abandonedAfterMs` (tests: 0 sweeps every hidden source of the agent first). */
  abandonedAfterMs?: number;
}

/**
 * Stores a source with its chunks, replacing one with the same uri, without
 * holding the store or the event loop long, and atomically: searches and
 * listings see the old version, whole, until the new one is complete, then
 * the new one, never a mix.
 *
 * Up to `firstBatch` chunks: one `putSource`. More: "staging and swap" — the
 * new version is written hidden (`stageSource`, then `appendChunks`) in
 * batches sized to about `writeSliceMs` of work each, each its own short
 * transaction with a turn of the event loop between them, so that other
 * calls of every tenant run in between (one transaction over all the
 * batches queued them all behind it: README, Benchmarks, bench/ingest.ts);
 * then one short `publishSource` swaps it in, and the replaced version's
 * chunks, hidden by that swap, are removed in batches the same way
 * (removing chunks costs about what writing them does, FTS5's deletes).
 *
 * A crash leaves hidden rows that nothing reads: the next open of the store
 * (sweep-abandoned-sources.ts) or ingestion into the agent removes them (first the abandoned ones: retired versions, and
 * staged ones not written for `abandonedAfterMs`). A batch that fails (a
 * repeated ordinal) removes the staged version and throws its error; the
 * live one is untouched. Two ingestions of one uri at once: each publishes
 * whole, the later one stays live.
 */
export async function writeSource(
  store: Pick<Store, "knowledge">,
  input: SourceInput,
  options: WriteSourceOptions = {},
): Promise<KnowledgeSource> {
  const { tenantId, agentId, chunks } = input;
  const staleBefore = new Date(Date.now() - (options.abandonedAfterMs ?? abandonedAfterMs)).toISOString();
  for (const { id } of await store.knowledge.abandonedSources(tenantId, agentId, staleBefore)) {
    await purge(store, tenantId, id);
  }
  if (chunks.length <= firstBatch) return store.knowledge.putSource(input);

  let staged = await store.knowledge.stageSource({ ...input, chunks: chunks.slice(0, firstBatch) });
  try {
    let at = firstBatch;
    await inBatches(async (size) => {
      const end = Math.min(chunks.length, at + size);
      staged = await store.knowledge.appendChunks({
        tenantId,
        agentId,
        sourceId: staged.id,
        chunks: chunks.slice(at, end),
      });
      at = end;
      return at < chunks.length;
    });
  } catch (error) {
    await purge(store, tenantId, staged.id).catch(() => undefined); // else swept as abandoned later
    throw error;
  }
  const { source, retired } = await store.knowledge.publishSource({ tenantId, agentId, sourceId: staged.id });
  if (retired) await purge(store, tenantId, retired);
  return source;
}

/** Removes a hidden source's chunks in batches, then the source; gone already (another ingestion's sweep): done. */
async function purge(store: Pick<Store, "knowledge">, tenantId: string, id: string): Promise<void> {
  try {
    await inBatches(async (size) => (await store.knowledge.purgeSource(tenantId, id, size)) > 0);
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
  }
}

/**
 * Calls `step(size)` while it returns true (more to do), with a turn of the
 * event loop before each call, and `size` (chunks) fitted to `writeSliceMs`
 * from the last call's time.
 */
async function inBatches(step: (size: number) => Promise<boolean>): Promise<void> {
  let size = firstBatch;
  let more = true;
  while (more) {
    await nextTurn(0); // through the timers and the poll phase: waiting requests are served
    const started = performance.now();
    more = await step(size);
    size = nextSize(size, performance.now() - started);
  }
}

/**
 * The next batch's size, from how long the last one (of `size` chunks) took:
 * doubled while under `writeSliceMs`, halved (to `minBatch` at least) above
 * twice that. Not fitted in proportion: each batch is a commit of its own,
 * whose fixed cost (a sync to disk, waiting behind other calls' group
 * commit) would shrink a proportional fit to one chunk a batch under load.
 */
function nextSize(size: number, ms: number): number {
  if (ms < writeSliceMs) return Math.min(maxBatch, size * 2);
  if (ms > 2 * writeSliceMs) return Math.max(minBatch, Math.floor(size / 2));
  return size;
}
