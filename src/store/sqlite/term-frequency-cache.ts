/** Most (agent index, word) frequencies kept: 16,384 entries of a short word and two numbers, about 2 MB. */
export const MAX_KEPT_FREQUENCIES = 16_384;

interface Kept {
  /** The index's used chunk keys when it was probed: a frequency is only valid for that extent. */
  used: number;
  frequency: number;
}

/**
 * The document frequency of a word within one agent's knowledge, probed once
 * and kept until that knowledge changes: probing it again for every customer
 * message (one FTS5 walk of up to 1,000 rows per query word) was a fifth of a
 * retrieval-mode turn's CPU (bench/agent-turns.ts profile).
 *
 * Invalidation, so a frequency is never used past a change to the chunks:
 * - writes through this connection (`forget(indexKey)` from putSource,
 *   appendChunks; `forgetAll()` from removeSource, which does not know its
 *   index) drop the index's entries;
 * - an entry holds the index's `used` chunk keys at probing time, and a new
 *   chunk always takes a new key, so any ingestion that is not seen here
 *   still misses;
 * - writes by any other connection (another process's `knowledge add` on the
 *   same file) change `PRAGMA data_version`, which the caller reads before
 *   each search and passes to `checkVersion`: everything is dropped.
 * Agents removed with their index leave entries that are never asked for
 * again (index keys are AUTOINCREMENT, never reused) and fall out as the
 * least recently used.
 */
export class TermFrequencyCache {
  private readonly kept = new Map<string, Kept>();
  private version: number | undefined;

  constructor(private readonly max = MAX_KEPT_FREQUENCIES) {}

  /** Drops everything when the database was changed by another connection since the last call. */
  checkVersion(version: number): void {
    if (this.version !== undefined && version !== this.version) this.kept.clear();
    this.version = version;
  }

  /** The kept frequency of `term` in index `indexKey` with `used` keys, or undefined. */
  get(indexKey: number, used: number, term: string): number | undefined {
    const key = `${indexKey}\u0000${term}`;
    const kept = this.kept.get(key);
    if (kept === undefined || kept.used !== used) return undefined;
    // Most recently used last: Map keeps insertion order, so the first entry is the one to evict.
    this.kept.delete(key);
    this.kept.set(key, kept);
    return kept.frequency;
  }

  set(indexKey: number, used: number, term: string, frequency: number): void {
    const key = `${indexKey}\u0000${term}`;
    this.kept.delete(key);
    this.kept.set(key, { used, frequency });
    if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
  }

  /** Drops index `indexKey`'s frequencies (its chunks changed). */
  forget(indexKey: number): void {
    const prefix = `${indexKey}\u0000`;
    for (const key of this.kept.keys()) if (key.startsWith(prefix)) this.kept.delete(key);
  }

  forgetAll(): void {
    this.kept.clear();
  }

  get size(): number {
    return this.kept.size;
  }
}
