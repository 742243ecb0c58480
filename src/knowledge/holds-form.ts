import { wordMatchesTerm } from "./query-terms.js";

/** The shortest shared beginning `wordMatchesTerm` accepts. */
const PREFIX = 4;
/** Most words whose answer one set keeps (`holdsForm`); past it, that set's answers start again. */
const MAX_KEPT_FORMS = 512;

/** What is kept per word set: its prefix index, and per asked word whether the set holds a form of it. */
interface KeptForSet {
  size: number;
  index: Map<string, string[]> | undefined;
  forms: Map<string, { variants: readonly string[]; held: boolean }>;
  /** The same for `holdsExactForm`. */
  exact: Map<string, { variants: readonly string[]; held: boolean }>;
}
const keptForSets = new WeakMap<ReadonlySet<string>, KeptForSet>();

/**
 * What is kept for `present` while the set lives (a chunk's words are kept by
 * `readChunk`, so once per chunk): one WeakMap entry per set, not one per kind
 * of answer (weak keys on long-lived sets cost every garbage collection). A set
 * must not change once matched against; one whose size changed starts again.
 */
function keptFor(present: ReadonlySet<string>): KeptForSet {
  let kept = keptForSets.get(present);
  if (kept === undefined || kept.size !== present.size) {
    kept = { size: present.size, index: undefined, forms: new Map(), exact: new Map() };
    keptForSets.set(present, kept);
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
  return held;
}
