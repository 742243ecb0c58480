/**
 * An index of texts that answers "is this text a near-duplicate of one
 * already added?" — MinHash signatures banded for LSH (locality-sensitive
 * hashing): texts whose signatures agree on all rows of at least one band
 * become candidates, and a candidate counts only when its estimated Jaccard
 * similarity reaches `threshold`. With 128 permutations and 42 bands of 3
 * rows, a pair at Jaccard 0.4 becomes a candidate with probability 0.94, at
 * 0.5 with 0.996, at 0.6 with > 0.9999; pairs at 0.1 are compared 4% of the
 * time. So above ~0.45 the threshold, not the banding, decides. (32 bands of
 * 4 missed a pair at 0.59 for one seed in ten on the hand-made set.)
 *
 * Defaults (word 3-shingles, threshold 0.4) were chosen on the hand-made pairs
 * in near-duplicate-rows.fixture.ts: there, rows that are one example twice score
 * ≥ 0.59 and look-alike distinct rows ≤ 0.15 (word 5-shingles: ≥ 0.44 and
 * ≤ 0.04, a gap too close to zero for LSH to find the low pairs).
 *
 * Memory: one signature (4 bytes × permutations) and one entry per band for
 * each text added.
 */
import { createMinHasher, estimateJaccard } from "./min-hash.js";
import { fmix32, type ShingleOptions, shingleHashes } from "./shingle-hashes.js";

export interface NearDuplicateOptions {
  /** Estimated Jaccard similarity of shingle sets at or above which two texts are near-duplicates. */
  threshold: number;
  permutations: number;
  /** LSH bands of `rowsPerBand` signature positions each; bands × rowsPerBand ≤ permutations. */
  bands: number;
  rowsPerBand: number;
  shingles: ShingleOptions;
  seed: number;
}

export const defaultNearDuplicateOptions: NearDuplicateOptions = {
  threshold: 0.4,
  permutations: 128,
  bands: 42,
  rowsPerBand: 3,
  shingles: { unit: "word", size: 3 },
  seed: 0x5eed,
};

export interface NearDuplicateMatch {
  id: string;
  similarity: number;
}

export interface NearDuplicateIndex {
  readonly size: number;
  /** Adds a text under `id` (ids need not be unique; the first added wins ties). */
  add(id: string, text: string): void;
  /** The most similar text added so far at or above the threshold, or undefined. */
  query(text: string): NearDuplicateMatch | undefined;
  /** `query`, then `add` when nothing matched: greedy deduplication in the order texts come. */
  addUnlessDuplicate(id: string, text: string): NearDuplicateMatch | undefined;
}

export function createNearDuplicateIndex(options: Partial<NearDuplicateOptions> = {}): NearDuplicateIndex {
  const o = { ...defaultNearDuplicateOptions, ...options };
  if (!(o.threshold > 0 && o.threshold <= 1))
    throw new RangeError(`threshold must be in (0, 1], got ${o.threshold}`);
  if (
    !Number.isInteger(o.bands) ||
    !Number.isInteger(o.rowsPerBand) ||
    o.bands < 1 ||
    o.rowsPerBand < 1 ||
    o.bands * o.rowsPerBand > o.permutations
  ) {
    throw new RangeError(
      `bands (${o.bands}) × rowsPerBand (${o.rowsPerBand}) must be at most permutations (${o.permutations})`,
    );
  }
  const hasher = createMinHasher({ permutations: o.permutations, seed: o.seed });
  const rows = o.rowsPerBand;
  const ids: string[] = [];
  const signatures: Uint32Array[] = [];
  /** Band hash (the band's number is hashed in) → the texts in that bucket: one index, or several. */
  const buckets = new Map<number, number | number[]>();
  /** Which search last compared each text (so a text in several matching bands is compared once). */
  const lastSearch: number[] = [];
  let searches = 0;

  const signatureOf = (text: string) => hasher.signature(shingleHashes(text, o.shingles));
  const bandKey = (signature: Uint32Array, band: number): number => {
    let h = Math.imul(band + 1, 0x9e3779b1);
    for (let i = band * rows; i < (band + 1) * rows; i++) h = Math.imul(h ^ signature[i]!, 0x01000193);
    return fmix32(h);
  };
  const search = (signature: Uint32Array): NearDuplicateMatch | undefined => {
    if (signature[0] === 0xffffffff && signature.every((v) => v === 0xffffffff)) return undefined;
    let best: { index: number; similarity: number } | undefined;
    const stamp = ++searches;
    for (let band = 0; band < o.bands; band++) {
      const bucket = buckets.get(bandKey(signature, band));
      if (bucket === undefined) continue;
      for (const index of typeof bucket === "number" ? [bucket] : bucket) {
        if (lastSearch[index] === stamp) continue;
        lastSearch[index] = stamp;
        const similarity = estimateJaccard(signature, signatures[index]!);
        if (
          similarity >= o.threshold &&
          (!best || similarity > best.similarity || (similarity === best.similarity && index < best.index))
        ) {
          best = { index, similarity };
        }
      }
    }
    return best && { id: ids[best.index]!, similarity: best.similarity };
  };
  const insert = (id: string, signature: Uint32Array) => {
    const index = ids.length;
    ids.push(id);
    signatures.push(signature);
    lastSearch.push(0);
    for (let band = 0; band < o.bands; band++) {
      const key = bandKey(signature, band);
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, index);
      else if (typeof bucket === "number") buckets.set(key, [bucket, index]);
      else bucket.push(index);
    }
  };

  return {
    get size() {
      return ids.length;
    },
    add: (id, text) => insert(id, signatureOf(text)),
    query: (text) => search(signatureOf(text)),
    addUnlessDuplicate(id, text) {
      const signature = signatureOf(text);
      const match = search(signature);
      if (!match) insert(id, signature);
      return match;
    },
  };
}
