/**
 * Text → the set of its shingles, each as a 32-bit hash, for MinHash.
 *
 * Text is normalised first (NFKD, diacritics and case dropped, only runs of
 * letters and digits kept), so `¿A qué hora?` and `a que hora` are the same
 * words. Shingles are `size` consecutive words (`unit: "word"`) or characters
 * of the normalised words joined by one space (`unit: "char"`). Text shorter
 * than one shingle is one shingle of everything it has, so short texts still
 * compare (and the empty text has no shingle at all).
 *
 * No strings are built per shingle: each word is hashed once (FNV-1a) and a
 * shingle's hash combines its words' hashes, which keeps 10k conversations
 * well under a second.
 */
export type ShingleUnit = "word" | "char";

export interface ShingleOptions {
  unit: ShingleUnit;
  /** Words or characters per shingle, ≥ 1. */
  size: number;
}

/** Lower case, no diacritics, words of letters and digits separated by one space. */
export function normalizeForDedup(text: string): string {
  // Plain ASCII has no diacritics to strip: skip the (costly) decomposition.
  const folded = (
    /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "")
  ).toLowerCase();
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).join(" ");
}

/** The distinct shingle hashes of `text`, ascending. */
export function shingleHashes(text: string, options: ShingleOptions): Uint32Array {
  const normalized = normalizeForDedup(text);
  if (normalized === "") return new Uint32Array(0);
  const units = options.unit === "word" ? wordHashes(normalized) : charCodes(normalized);
  const size = Math.max(1, Math.min(options.size, units.length));
  const count = units.length - size + 1;
  const hashes = new Uint32Array(count);
  for (let start = 0; start < count; start++) {
    let h = 0x811c9dc5;
    for (let i = start; i < start + size; i++) h = Math.imul(h ^ units[i]!, 0x01000193);
    hashes[start] = fmix32(h ^ size);
  }
  hashes.sort();
  let distinct = 0;
  for (let i = 0; i < count; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[distinct++] = hashes[i]!;
  return hashes.subarray(0, distinct);
}

function wordHashes(normalized: string): Uint32Array {
  const words = normalized.split(" ");
  const hashes = new Uint32Array(words.length);
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    hashes[w] = fmix32(h);
  }
  return hashes;
}

function charCodes(normalized: string): Uint32Array {
  const codes = new Uint32Array(normalized.length);
  for (let i = 0; i < normalized.length; i++) codes[i] = fmix32(normalized.charCodeAt(i) + 1);
  return codes;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
