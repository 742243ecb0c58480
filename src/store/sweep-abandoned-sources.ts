/**
 * The sweep of abandoned knowledge sources when a store opens: hidden
 * versions that no writer will finish (a `kill -9` or a crash mid-staging),
 * which until now waited for the next ingestion into their agent.
 *
 * Which ones are safe to remove, with another process possibly writing one
 * right now (a worker on another machine, a second server on one file):
 * - retired versions (replaced by a publish): nothing will read or write
 *   them again; their publisher removes them itself, and two removers only
 *   share the work (each batch is its own transaction; the loser's
 *   NotFoundError means "already gone").
 * - staged versions untouched for `abandonedAfterMs`: every append refreshes
 *   a staged source's `updated_at`, and a living writer appends a batch
 *   every few milliseconds (write-source.ts sizes them to ~8 ms), so a minute
 *   without progress means its writer is dead. If it was only stalled that
 *   long (a paused process, clocks of two machines a minute apart), its next
 *   append or its publish fails with NotFoundError and its ingestion fails
 *   whole, the live version untouched: a wrong guess costs a retry, never a
 *   mix of versions.
 *
 * Cheap at every open: the listing reads the hidden sources' partial index
 * only (`allAbandonedSources`), and the removal stops after `maxChunks`
 * (default 2,000: tens of milliseconds) in batches of `batchChunks`, each its
 * own short transaction; what is left waits for the next open or ingestion.
 */
import { NotFoundError } from "../spec/errors.js";
import { abandonedAfterMs } from "../spec/store/knowledge-repository.js";
import type { Store } from "../spec/store.js";
import type { StoreLogger } from "./store-logger.js";

export interface SweepOptions {
  /** Overrides `abandonedAfterMs` (tests). */
  abandonedAfterMs?: number;
  /** Most chunks removed by this sweep. Default 2,000. */
  maxChunks?: number;
  /** Chunks per `purgeSource` call. Default 500. */
  batchChunks?: number;
  logger?: StoreLogger;
}

export interface SweepResult {
  /** Sources removed whole. */
  sources: number;
  /** True when the budget ran out with abandoned chunks left (for the next open or ingestion). */
  more: boolean;
}

/** Never throws: a sweep that fails (the store busy, gone) is logged and left to the next one. */
export async function sweepAbandonedSources(
  store: Pick<Store, "knowledge">,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const result: SweepResult = { sources: 0, more: false };
  const staleBefore = new Date(Date.now() - (options.abandonedAfterMs ?? abandonedAfterMs)).toISOString();
  const batch = options.batchChunks ?? 500;
  let budget = options.maxChunks ?? 2000;
  try {
    const abandoned = await store.knowledge.allAbandonedSources(staleBefore, 100);
    for (const { tenantId, id } of abandoned) {
      let left = 1;
      while (left > 0 && budget > 0) {
        const limit = Math.min(batch, budget);
        left = await purgeSome(store, tenantId, id, limit);
        budget -= limit; // at most `limit` removed: the budget bounds the work, not the exact count
      }
      if (left > 0) {
        result.more = true;
        break;
      }
      result.sources += 1;
    }
  } catch (error) {
    options.logger?.warn(
      { err: error },
      "could not sweep abandoned knowledge sources; the next open or ingestion will",
    );
    return result;
  }
  if (result.sources > 0 || result.more) {
    options.logger?.info({ ...result }, "swept abandoned knowledge sources");
  }
  return result;
}

/** purgeSource; a source already gone (another sweeper, its publisher) has 0 left. */
async function purgeSome(store: Pick<Store, "knowledge">, tenantId: string, id: string, limit: number) {
  try {
    return await store.knowledge.purgeSource(tenantId, id, limit);
  } catch (error) {
    if (NotFoundError.isInstance(error)) return 0;
    throw error;
  }
}
