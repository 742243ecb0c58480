import { lexiconWords, relatedWords, rewritePhrases } from "./business-lexicon.js";
import { editDistance, sameStart, typoAllowance } from "./edit-distance.js";
import { foldText } from "./fold-text.js";
import { holdsExactForm, holdsForm, keepStrength, keptStrength } from "./holds-form.js";
import { contentTerms, termVariants } from "./query-terms.js";

/** How much a related word (a translation, a synonym, a typo's correction) counts against the word itself. */
export const RELATED_STRENGTH = 0.9;

/**
 * One thing a question asks about: its topic words (two words of one meaning,
 * "hora" and "abren", are one concept, counted once), their forms, and the
 * words that stand for them.
 */
export interface PlannedTerm {
  /** The folded topic words as asked; matched with their variants (see `wordMatchesTerm`). */
  words: string[];
  variants: (readonly string[])[];
  /** The lexicon's words for it (searched for), most telling first. */
  heads: string[];
  /** Folded words that stand for it with `RELATED_STRENGTH`: the lexicon's, their forms, spelling fixes. */
  related: Set<string>;
  /**
   * `related.size` as `planQuery` left it: while unchanged, `related` is exactly `heads` and their
   * `termVariants` (a spelling fix added since makes it larger). Absent: not known.
   */
  planned?: number;
  /**
   * `words` joined, once asked for: while `related` is as planned, the term (its variants, heads and
   * related words) is a function of its words alone, so its strength in a set is kept by this key.
   */
  key?: string;
}

export interface QueryPlan {
  terms: PlannedTerm[];
}

/**
 * What a search looks for in a question: its topic words (`contentTerms`,
 * after `rewritePhrases`: "how much" is `price`),
 * each with its other forms and the words the bilingual lexicon relates to it
 * (`relatedWords`, with their plural and verb forms), a misspelt word also
 * with the lexicon words it is one or two typos from. Topic words that share a
 * lexicon group become one term.
 */
export function planQuery(query: string, maxWords = 32): QueryPlan {
  const terms: PlannedTerm[] = [];
  for (const word of contentTerms(rewritePhrases(foldText(query))).slice(0, maxWords)) {
    const heads = lexiconHeads(word);
    const related = new Set<string>();
    for (const head of heads) {
      related.add(head);
      for (const form of termVariants(head)) related.add(form);
    }
    const same = terms.find((t) => t.words.some((w) => related.has(w) || w === word));
    if (same) {
      same.words.push(word);
      same.variants.push(termVariants(word));
      for (const head of heads) if (!same.heads.includes(head)) same.heads.push(head);
      for (const r of related) same.related.add(r);
      continue;
    }
    terms.push({ words: [word], variants: [termVariants(word)], heads: [...heads], related });
  }
  for (const term of terms) term.planned = term.related.size;
  return { terms };
}

/** Most words whose `lexiconHeads` are kept; past it, the cache starts again (a word's heads never change). */
const MAX_KEPT_HEADS = 10_000;
const keptHeads = new Map<string, ReadonlySet<string>>();

/**
 * The words the lexicon relates to `word`: its own group's, or those of lexicon words one or two typos away.
 * Worked out once per word (the lexicon is fixed): a misspelt word is compared with every lexicon word, which
 * was a tenth of a search's CPU when done for every question. Shared: read-only.
 */
function lexiconHeads(word: string): ReadonlySet<string> {
  let heads = keptHeads.get(word);
  if (heads === undefined) {
    heads = findLexiconHeads(word);
    if (keptHeads.size >= MAX_KEPT_HEADS) keptHeads.clear();
    keptHeads.set(word, heads);
  }
  return heads;
}

function findLexiconHeads(word: string): Set<string> {
  const heads = new Set(relatedWords(word));
  const allowed = typoAllowance(word.length);
  if (heads.size === 0 && allowed > 0 && !/\d/.test(word)) {
    for (const known of lexiconWords) {
      if (
        sameStart(known, word) &&
        !known.startsWith(word) &&
        !word.startsWith(known) &&
        editDistance(word, known, allowed) <= allowed
      ) {
        heads.add(known);
        for (const other of relatedWords(known)) heads.add(other);
      }
    }
  }
  return heads;
}

/**
 * Per term, the strengths worked out so far by word set, and the size of `related` they were worked out with.
 * A plain Map per term, not a WeakMap: it dies with the term (one search), and weak keys on the long-lived chunk
 * sets made every garbage collection walk them.
 */
const strengths = new WeakMap<PlannedTerm, { related: number; bySet: Map<ReadonlySet<string>, number> }>();

/**
 * How strongly a set of folded words holds `term`: 1 when one of them is the
 * word as asked (or a form of it), `RELATED_STRENGTH` when one stands for
 * it, else 0.
 *
 * Kept per set and term words while the term is as planned (see
 * `keptStrength`), else per term and set: one search asks it of the same
 * candidate's words several times (weighing, coverage, ranking, confidence),
 * and each answer of 0 reads all of `related`. `related` may only grow (see
 * `weighTerms`), which starts the term's answers again; a term's words and a set must not change
 * once matched (chunk word sets are shared and read-only: see `readChunk`).
 */
export function termStrength(term: PlannedTerm, present: ReadonlySet<string>): number {
  if (term.planned === term.related.size) {
    // As planned: kept per set across searches (most questions share their terms' words with earlier ones).
    term.key ??= term.words.join(" ");
    let strength = keptStrength(present, term.key);
    if (strength === undefined) {
      strength = strengthOf(term, present);
      keepStrength(present, term.key, strength);
    }
    return strength;
  }
  let kept = strengths.get(term);
  if (kept === undefined || kept.related !== term.related.size) {
    kept = { related: term.related.size, bySet: new Map() };
    strengths.set(term, kept);
  }
  let strength = kept.bySet.get(present);
  if (strength === undefined) {
    strength = strengthOf(term, present);
    kept.bySet.set(present, strength);
  }
  return strength;
}

function strengthOf(term: PlannedTerm, present: ReadonlySet<string>): number {
  for (let i = 0; i < term.words.length; i++) {
    if (holdsForm(present, term.words[i]!, term.variants[i] ?? [])) return 1;
  }
  // `related` as planned is the heads and their forms: asked head by head, each answer kept per set.
  if (term.planned === term.related.size) {
    for (const head of term.heads)
      if (holdsExactForm(present, head, termVariants(head))) return RELATED_STRENGTH;
    return 0;
  }
  if (term.related.size < present.size) {
    for (const related of term.related) if (present.has(related)) return RELATED_STRENGTH;
  } else {
    for (const candidate of present) if (term.related.has(candidate)) return RELATED_STRENGTH;
  }
  return 0;
}

/**
 * The words a BM25 search of the plan reads, most telling first: every topic
 * word, then in turns each term's next lexicon word and next variant. The
 * store reads the first 32.
 */
export function planSearchWords(plan: QueryPlan): string[] {
  const all = new Set<string>(plan.terms.flatMap((t) => t.words));
  const queues = plan.terms.map((t) => {
    const variants = t.variants.flat();
    const related = t.heads.filter((w) => !variants.includes(w) && !t.words.includes(w));
    const out: string[] = [];
    for (let i = 0; i < Math.max(variants.length, related.length); i++) {
      if (related[i] !== undefined) out.push(related[i]!);
      if (variants[i] !== undefined) out.push(variants[i]!);
    }
    return out;
  });
  for (let i = 0; queues.some((q) => i < q.length); i++) {
    for (const queue of queues) if (queue[i] !== undefined) all.add(queue[i]!);
  }
  return [...all];
}
