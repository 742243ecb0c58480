/** Most postings kept, over all (agent index, word) entries: each a few numbers, about 20 MB at most. */
export const MAX_KEPT_POSTINGS = 262_144;

/**
 * Where one word occurs within one agent's chunks, as FTS5's index has it:
 * `docs` ascending chunk keys; `freqs[i]` the word's occurrences in chunk
 * `docs[i]` weighted by column (bm25()'s `aFreq`); `lengths[i]` that chunk's
 * size in tokens over all columns (bm25()'s `D`).
 */
export interface Postings {
  docs: number[];
  freqs: number[];
  lengths: number[];
}

interface Kept {
  /** The index's used chunk keys when it was read: postings are only valid for that extent. */
  used: number;
  postings: Postings;
}

/**
 * The postings of words within one agent's knowledge, read once from the
 * FTS5 index and kept until that knowledge changes. Invalidated exactly as
 * `TermFrequencyCache` is (see there): `forget(indexKey)` after this
 * connection writes an index's chunks, `forgetAll()` when it cannot tell
 * which, `checkVersion` for another connection's commits, and the `used`
 * extent for any ingestion not seen here. Bounded by the number of postings
 * held, least recently used first out.
 */
export class TermPostingsCache {
  private readonly kept = new Map<string, Kept>();
  private held = 0;
  private version: number | undefined;

  constructor(private readonly max = MAX_KEPT_POSTINGS) {}

  /** Drops everything when the database was changed by another connection since the last call. */
  checkVersion(version: number): void {
    if (this.version !== undefined && version !== this.version) this.forgetAll();
    this.version = version;
  }

  /** The kept postings of `term` in index `indexKey` with `used` keys, or undefined. */
  get(indexKey: number, used: number, term: string): Postings | undefined {
    const key = `${indexKey}\u0000${term}`;
    const kept = this.kept.get(key);
    if (kept === undefined || kept.used !== used) return undefined;
    // Most recently used last: Map keeps insertion order, so the first entry is the one to evict.
    this.kept.delete(key);
    this.kept.set(key, kept);
    return kept.postings;
  }

  /** Keeps `postings` unless they alone are more than the cache holds. */
  set(indexKey: number, used: number, term: string, postings: Postings): void {
    if (postings.docs.length > this.max) return;
    const key = `${indexKey}\u0000${term}`;
    this.drop(key);
    this.kept.set(key, { used, postings });
    this.held += postings.docs.length;
    while (this.held > this.max) this.drop(this.kept.keys().next().value!);
  }

  /** Drops index `indexKey`'s postings (its chunks changed). */
  forget(indexKey: number): void {
    const prefix = `${indexKey}\u0000`;
    for (const key of this.kept.keys()) if (key.startsWith(prefix)) this.drop(key);
  }

  forgetAll(): void {
    this.kept.clear();
    this.held = 0;
  }

  /** Postings held, over all entries. */
  get size(): number {
    return this.held;
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (kept === undefined) return;
    this.kept.delete(key);
    this.held -= kept.postings.docs.length;
  }
}
