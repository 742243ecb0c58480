import { wordMatchesTerm } from "./query-terms.js";

/** The shortest shared beginning `wordMatchesTerm` accepts. */
const PREFIX = 4;
/** Most answers of one kind one set keeps (`holdsForm`, `holdsExactForm`, `keepStrength`); past it, that kind starts again. */
const MAX_KEPT_FORMS = 512;
/**
 * Most answers kept across all sets. A set lives as long as `readChunk` keeps
 * its chunk (up to 4,096 chunks), and a set's answers measured 47–100 bytes
 * each (71.5–152 KiB a chunk with every kind full: ~600 MiB over 4,096 chunks);
 * past this many answers every set's are dropped together, so the cache stays
 * under ~26 MiB (4,096 sets asked 3,000 answers each: 26.4 MiB). The demo keeps ~52,000.
 */
const MAX_KEPT_ANSWERS = 262_144;

/** What is kept per word set: its prefix index, and per asked word whether the set holds a form of it. */
interface KeptForSet {
  size: number;
  /** The `generation` its answers belong to: an older one's were dropped. */
  generation: number;
  index: Map<string, string[]> | undefined;
  forms: Map<string, { variants: readonly string[]; held: boolean }>;
  /** The same for `holdsExactForm`. */
  exact: Map<string, { variants: readonly string[]; held: boolean }>;
  /** Planned terms' strengths in the set, by term key (see `keptStrength`). */
  strengths: Map<string, number>;
}
const keptForSets = new WeakMap<ReadonlySet<string>, KeptForSet>();
/** Answers kept since the last drop (an upper bound: a set's kind cleared at its cap still counts). */
let keptAnswers = 0;
let generation = 0;
/** The sets holding answers of this generation, so a drop empties them all (weak keys cannot be listed). */
let holders: KeptForSet[] = [];

/** Counts one more kept answer; past `MAX_KEPT_ANSWERS`, drops every set's answers (prefix indexes stay). */
function countAnswer(): void {
  if (++keptAnswers <= MAX_KEPT_ANSWERS) return;
  for (const kept of holders) {
    kept.forms.clear();
    kept.exact.clear();
    kept.strengths.clear();
  }
  holders = [];
  keptAnswers = 0;
  generation++;
}

/**
 * What is kept for `present` while the set lives (a chunk's words are kept by
 * `readChunk`, so once per chunk): one WeakMap entry per set, not one per kind
 * of answer (weak keys on long-lived sets cost every garbage collection). A set
 * must not change once matched against; one whose size changed starts again.
 */
function keptFor(present: ReadonlySet<string>): KeptForSet {
  let kept = keptForSets.get(present);
  if (kept === undefined || kept.size !== present.size) {
    kept = {
      size: present.size,
      generation,
      index: undefined,
      forms: new Map(),
      exact: new Map(),
      strengths: new Map(),
    };
    keptForSets.set(present, kept);
    holders.push(kept);
  } else if (kept.generation !== generation) {
    kept.generation = generation; // its answers were dropped; it holds this generation's from now on
    holders.push(kept);
  }
  return kept;
}

/**
 * Whether `present` holds `word`, one of its `variants`, or a word sharing its
 * first four letters that `wordMatchesTerm` accepts. A pure function of the
 * word, its variants and the set, so it is kept per set and word across
 * searches (each search plans its terms anew, and this was the largest JS cost
 * of a retrieval-mode turn): the answer is reused only for the same variants
 * array (`termVariants` keeps one per word), else worked out again.
 */
export function holdsForm(present: ReadonlySet<string>, word: string, variants: readonly string[]): boolean {
  const kept = keptFor(present);
  const known = kept.forms.get(word);
  if (known !== undefined && known.variants === variants) return known.held;
  let held = present.has(word);
  for (let v = 0; !held && v < variants.length; v++) held = present.has(variants[v]!);
  // Beyond its forms, only a word sharing its first four letters can stand for it (`wordMatchesTerm`).
  if (!held && word.length >= PREFIX) {
    kept.index ??= prefixIndex(present);
    for (const candidate of kept.index.get(word.slice(0, PREFIX)) ?? []) {
      if (wordMatchesTerm(candidate, word, variants)) {
        held = true;
        break;
      }
    }
  }
  if (kept.forms.size >= MAX_KEPT_FORMS) kept.forms.clear();
  kept.forms.set(word, { variants, held });
  countAnswer();
  return held;
}

/**
 * The words of `present` of four letters or more by their first four, so
 * matching a term reads a handful of words instead of all of a chunk's
 * hundreds. Made once per set (kept in `keptFor`).
 */
function prefixIndex(present: ReadonlySet<string>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const word of present) {
    if (word.length < PREFIX) continue;
    const start = word.slice(0, PREFIX);
    const bucket = index.get(start);
    if (bucket) bucket.push(word);
    else index.set(start, [word]);
  }
  return index;
}

/** Whether `present` holds `word` or one of its `variants` (no prefix matching); kept as `holdsForm`'s answers are. */
export function holdsExactForm(
  present: ReadonlySet<string>,
  word: string,
  variants: readonly string[],
): boolean {
  const kept = keptFor(present);
  const known = kept.exact.get(word);
  if (known !== undefined && known.variants === variants) return known.held;
  let held = present.has(word);
  for (let v = 0; !held && v < variants.length; v++) held = present.has(variants[v]!);
  if (kept.exact.size >= MAX_KEPT_FORMS) kept.exact.clear();
  kept.exact.set(word, { variants, held });
  countAnswer();
  return held;
}

/**
 * The strength of a planned term (`termStrength`) in `present`, kept with its
 * other answers across searches by `keepStrength`: a term as `planQuery` leaves
 * it is a pure function of its words (`key`), so its strength in a set is too,
 * and one lookup here replaces a `holdsExactForm` per lexicon head.
 */
export function keptStrength(present: ReadonlySet<string>, key: string): number | undefined {
  return keptFor(present).strengths.get(key);
}

/** Keeps what `keptStrength` answers for `key` in `present` (at most `MAX_KEPT_FORMS` per set, cleared past it). */
export function keepStrength(present: ReadonlySet<string>, key: string, strength: number): void {
  const kept = keptFor(present);
  if (kept.strengths.size >= MAX_KEPT_FORMS) kept.strengths.clear();
  kept.strengths.set(key, strength);
  countAnswer();
}
