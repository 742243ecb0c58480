import { BYTE_TO_CHAR, preTokenize, toByteLevel } from "./byte-level.js";

/**
 * Byte-level BPE training (the GPT-2 / Llama-3 kind): the vocabulary starts as
 * the 256 byte symbols, and each step merges the adjacent pair of symbols that
 * occurs most often inside the corpus' pre-tokens (never across them).
 *
 * Deterministic: ties are broken by the smaller pair of symbol ids, which
 * depends only on the corpus and the options, never on hash or map order.
 */

export interface BpeTrainOptions {
  /** Stop after this many merges (fewer when the corpus runs out of pairs). */
  maxMerges: number;
  /** Only merge pairs seen at least this often (counting repeated words). Default 2. */
  minFrequency?: number;
}

export interface BpeModel {
  /** Token texts in byte-level form; ids 0..255 are the single bytes in byte order. */
  tokens: string[];
  /** Merges in rank order, each as the two byte-level token texts. */
  merges: Array<[string, string]>;
}

interface Word {
  symbols: number[];
  count: number;
}

/** Pair keys pack two symbol ids (< 2^21 each) into one exact JS number. */
const SHIFT = 2 ** 21;
const pairKey = (left: number, right: number): number => left * SHIFT + right;

/** Learns merges from `texts`. Throws RangeError on a negative or non-integer `maxMerges`. */
export function trainBpe(texts: readonly string[], options: BpeTrainOptions): BpeModel {
  const { maxMerges, minFrequency = 2 } = options;
  if (!Number.isInteger(maxMerges) || maxMerges < 0)
    throw new RangeError(`maxMerges must be >= 0: ${maxMerges}`);

  const tokens = BYTE_TO_CHAR.slice();
  const idOf = new Map(tokens.map((text, id) => [text, id]));
  const words = countWords(texts, idOf);
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  words.forEach((word, index) => {
    addPairs(word, index, pairCounts, pairWords);
  });

  const merges: Array<[string, string]> = [];
  while (merges.length < maxMerges) {
    const best = bestPair(pairCounts, minFrequency);
    if (best === undefined) break;
    const left = Math.floor(best / SHIFT);
    const right = best % SHIFT;
    const text = tokens[left]! + tokens[right]!;
    // Two different pairs can spell the same token ("ab"+"c", "a"+"bc"): one id, two merges.
    let merged = idOf.get(text);
    if (merged === undefined) {
      merged = tokens.length;
      tokens.push(text);
      idOf.set(text, merged);
    }
    merges.push([tokens[left]!, tokens[right]!]);
    for (const index of pairWords.get(best) ?? []) {
      const word = words[index]!;
      removePairs(word, pairCounts);
      word.symbols = mergeSymbols(word.symbols, left, right, merged);
      addPairs(word, index, pairCounts, pairWords);
    }
    pairWords.delete(best);
  }
  return { tokens, merges };
}

/** Distinct pre-tokens of all texts with their counts, in first-seen order. */
function countWords(texts: readonly string[], idOf: ReadonlyMap<string, number>): Word[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of preTokenize(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  }
  const words: Word[] = [];
  for (const [piece, count] of counts) {
    const symbols = Array.from(toByteLevel(piece), (char) => idOf.get(char)!);
    if (symbols.length > 1) words.push({ symbols, count });
  }
  return words;
}

function addPairs(
  word: Word,
  index: number,
  counts: Map<number, number>,
  where: Map<number, Set<number>>,
): void {
  const { symbols, count } = word;
  for (let i = 0; i + 1 < symbols.length; i++) {
    const key = pairKey(symbols[i]!, symbols[i + 1]!);
    counts.set(key, (counts.get(key) ?? 0) + count);
    const set = where.get(key);
    if (set === undefined) where.set(key, new Set([index]));
    else set.add(index);
  }
}

/** Takes the word's pairs out of the counts; its entries in `pairWords` go stale harmlessly. */
function removePairs(word: Word, counts: Map<number, number>): void {
  const { symbols, count } = word;
  for (let i = 0; i + 1 < symbols.length; i++) {
    const key = pairKey(symbols[i]!, symbols[i + 1]!);
    const left = (counts.get(key) ?? 0) - count;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  }
}

/** Left to right, non-overlapping: "a a a" with merge (a, a) becomes "aa a", as the tokenizer does. */
export function mergeSymbols(symbols: number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

function bestPair(counts: ReadonlyMap<number, number>, minFrequency: number): number | undefined {
  let best: number | undefined;
  let bestCount = Math.max(1, minFrequency) - 1;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
