/**
 * A deterministic synthetic knowledge base for bench/retrieval.ts: every chunk,
 * vector and query is a pure function of (seed, index), so nothing large is
 * held in memory and a run can be reproduced exactly.
 *
 * Text: 60–120 words per chunk drawn from a 50,000-word Spanish/English
 * vocabulary with a Zipf(1) distribution (real function words at the top, so
 * `de`, `la`, `the` are in nearly every chunk, as in real text), mixed 1:3
 * with the words of the chunk's topic. Vectors: 384-dim unit vectors around
 * a topic centroid plus a per-source offset plus noise, so neighbours exist
 * and recall can be measured. Queries: four words drawn from one chunk's text
 * (common words included, as customers type them) and a vector near the chunk.
 */

export const topicCount = 2000;
export const chunksPerSource = 100;
const vocabularySize = 50_000;
const topicWordCount = 12;

const functionWords = (
  "de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o este " +
  "the of and to in is you that it he was for on are as with his they at be this have from or one had by " +
  "sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos"
).split(" ");

const contentWords = (
  "panadería pastelería café azúcar jamón año niño canción corazón información teléfono música pequeño " +
  "mañana sábado miércoles día árbol fácil difícil último público número página método crédito envío " +
  "devolución garantía tamaño través según además después también aquí allí está están será podrá " +
  "bread cake coffee sugar order delivery refund warranty size price hours opening closing gluten vegan " +
  "croissant baguette tarta empanada bizcocho magdalena churro ensaimada turrón polvorón rosca horno " +
  "harina levadura masa madre centeno espelta integral semillas chocolate vainilla canela limón naranja " +
  "fresa manzana plátano nuez almendra avellana miel leche mantequilla huevo queso crema nata yogur " +
  "receipt invoice payment card cash transfer shipping pickup store branch address phone email holiday"
).split(" ");

const onsets = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "ch",
  "ll",
  "br",
  "tr",
  "pl",
  "ñ",
  "st",
  "th",
  "sh",
  "cr",
];
const vowels = ["a", "e", "i", "o", "u"];
const accented: Record<string, string> = { a: "á", e: "é", i: "í", o: "ó", u: "ú" };

/** sfc32: small, fast, seedable; good enough for benchmark data. */
export function rng(...seeds: number[]): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = 1;
  for (const seed of seeds) {
    a ^= seed | 0;
    b ^= Math.imul(seed | 0, 0x85ebca6b);
    for (let i = 0; i < 6; i++) next();
  }
  function next(): number {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  return next;
}

export interface Corpus {
  seed: number;
  dimension: number;
  /** Chunk `index` (0-based, global): its text, title, topic and source. */
  chunk(index: number): { text: string; title: string | null; topic: number; source: number };
  /** The chunk's embedding (unit length). */
  vector(index: number): Float32Array;
  /** Query number `n` over chunks [0, size): its text, the vector, and the chunk it came from. */
  query(n: number, size: number): { text: string; vector: Float32Array; from: number };
}

export function createCorpus(seed: number, dimension = 384): Corpus {
  const vocabulary = buildVocabulary(seed);
  const cdf = zipfCdf(vocabulary.length);
  const zipfWord = (random: () => number): string => vocabulary[lowerBound(cdf, random())]!;
  const topicWords = (topic: number): string[] => {
    const random = rng(seed, 7, topic);
    return Array.from(
      { length: topicWordCount },
      () => vocabulary[300 + Math.floor(random() * (vocabulary.length - 300))]!,
    );
  };
  const topicOf = (index: number): { topic: number; source: number } => {
    const source = Math.floor(index / chunksPerSource);
    const main = Math.floor(rng(seed, 3, source)() * topicCount);
    const random = rng(seed, 4, index);
    return { source, topic: random() < 0.6 ? main : Math.floor(random() * topicCount) };
  };
  const words = (index: number): { words: string[]; title: string | null; topic: number; source: number } => {
    const { topic, source } = topicOf(index);
    const random = rng(seed, 5, index);
    const own = topicWords(topic);
    const length = 60 + Math.floor(random() * 61);
    const list: string[] = [];
    for (let i = 0; i < length; i++)
      list.push(random() < 0.25 ? own[Math.floor(random() * own.length)]! : zipfWord(random));
    const title = random() < 0.3 ? own.slice(0, 2 + Math.floor(random() * 3)).join(" ") : null;
    return { words: list, title, topic, source };
  };
  const unit = (values: Float32Array): Float32Array => {
    let norm = 0;
    for (const value of values) norm += value * value;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i]! *= scale;
    return values;
  };
  const gaussian = (random: () => number, out: Float32Array, weight: number): void => {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - random())) * weight;
      const angle = 2 * Math.PI * random();
      out[i]! += r * Math.cos(angle);
      if (i + 1 < out.length) out[i + 1]! += r * Math.sin(angle);
    }
  };
  const vector = (index: number): Float32Array => {
    const { topic, source } = topicOf(index);
    const out = new Float32Array(dimension);
    const perDimension = 1 / Math.sqrt(dimension);
    gaussian(rng(seed, 8, topic), out, perDimension);
    gaussian(rng(seed, 9, source), out, 0.6 * perDimension);
    gaussian(rng(seed, 10, index), out, 0.5 * perDimension);
    return unit(out);
  };

  return {
    seed,
    dimension,
    chunk(index) {
      const { words: list, title, topic, source } = words(index);
      return { text: sentences(list, rng(seed, 6, index)), title, topic, source };
    },
    vector,
    query(n, size) {
      const random = rng(seed, 11, n);
      const from = Math.floor(random() * size);
      const list = words(from).words;
      const picked = Array.from({ length: 4 }, () => list[Math.floor(random() * list.length)]!);
      const out = vector(from);
      gaussian(random, out, 0.4 / Math.sqrt(dimension));
      return { text: `¿${picked.join(" ")}?`, vector: unit(out), from };
    },
  };
}

function sentences(words: string[], random: () => number): string {
  const parts: string[] = [];
  let start = true;
  for (const word of words) {
    parts.push(start ? word[0]!.toUpperCase() + word.slice(1) : word);
    start = random() < 0.08;
    if (start) parts[parts.length - 1] += ".";
    else if (random() < 0.05) parts[parts.length - 1] += ",";
  }
  return `${parts.join(" ")}.`;
}

function buildVocabulary(seed: number): string[] {
  const random = rng(seed, 1);
  const seen = new Set<string>([...functionWords, ...contentWords]);
  const synthetic: string[] = [];
  while (seen.size + synthetic.length < vocabularySize) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = "";
    const stress = Math.floor(random() * syllables);
    for (let s = 0; s < syllables; s++) {
      const vowel = vowels[Math.floor(random() * vowels.length)]!;
      word +=
        onsets[Math.floor(random() * onsets.length)]! +
        (s === stress && random() < 0.25 ? accented[vowel]! : vowel);
    }
    if (random() < 0.3) word += ["n", "s", "r", "l", "d"][Math.floor(random() * 5)]!;
    if (!seen.has(word)) {
      seen.add(word);
      synthetic.push(word);
    }
  }
  // Real content words spread through the middle ranks, not all at the top.
  const rest = [...contentWords, ...synthetic];
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [...functionWords, ...rest];
}

function zipfCdf(size: number): Float64Array {
  const cdf = new Float64Array(size);
  let total = 0;
  for (let rank = 1; rank <= size; rank++) {
    total += 1 / rank;
    cdf[rank - 1] = total;
  }
  for (let i = 0; i < size; i++) cdf[i]! /= total;
  return cdf;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
