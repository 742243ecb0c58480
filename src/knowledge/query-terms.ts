import { words } from "./fold-text.js";
import { fillers, stopwords } from "./stopwords.js";

/**
 * The distinct topic words of a customer's question, folded (no accents, lower
 * case), in order: stopwords and one-letter words out, numbers kept (`28004`;
 * `LE-1234` gives `1234`, `le` being a stopword). A question made of stopwords only
 * (`¿dónde estáis?`) keeps all its words of two letters or more, since they
 * are then all it has. Greetings and thanks never count: empty for `hola` and `?`.
 */
export function contentTerms(query: string): string[] {
  const all = words(query).filter((word) => (word.length >= 2 || /\d/.test(word)) && !fillers.has(word));
  const topical = all.filter((word) => !stopwords.has(word));
  return [...new Set(topical.length > 0 ? topical : all)];
}

/**
 * Other forms of a folded word that documents are likely to use, since the
 * index matches whole words only: Spanish and English plural and singular
 * (`tarta`/`tartas`, `pastel`/`pasteles`, `cookie`/`cookies`), Spanish
 * gender (`vegano`/`vegana`), Spanish verb forms a customer asks in and a
 * business answers in (`abren`/`abrimos`/`abrir`, `repartís`/`repartimos`/
 * `reparto`, `aparcar`/`aparcamiento`), and English `-ing`/`-ed`/`-s`/`-y` forms (`deliver`/
 * `delivery`/`delivers`). Guessed by rule, so some variants are not words;
 * those match nothing and cost nothing. Does not include the word itself.
 *
 * Worked out once per word (a few dozen rules, a set and closures each time,
 * for every word of every question and handoff topic) and kept, frozen: the
 * list is shared.
 */
export function termVariants(term: string): readonly string[] {
  let variants = keptVariants.get(term);
  if (variants === undefined) {
    variants = Object.freeze(guessVariants(term));
    if (keptVariants.size >= MAX_KEPT_VARIANTS) keptVariants.clear();
    keptVariants.set(term, variants);
  }
  return variants;
}

/** Most words whose variants are kept; past it, the cache starts again. */
const MAX_KEPT_VARIANTS = 20_000;
const keptVariants = new Map<string, readonly string[]>();

function guessVariants(term: string): string[] {
  if (term.length < 3 || /\d/.test(term)) return [];
  const out = new Set<string>();
  const add = (word: string) => {
    if (word.length >= 3 && word !== term) out.add(word);
  };
  const cut = (suffix: string) => (term.endsWith(suffix) ? term.slice(0, -suffix.length) : undefined);

  // Plural and singular, both languages.
  if (term.endsWith("ces")) add(`${term.slice(0, -3)}z`);
  if (term.endsWith("ies")) add(`${term.slice(0, -3)}y`);
  if (term.endsWith("es")) add(term.slice(0, -2));
  if (term.endsWith("s") && !term.endsWith("ss")) add(term.slice(0, -1));
  if (!term.endsWith("s")) {
    if (term.endsWith("z")) add(`${term.slice(0, -1)}ces`);
    else if (/[aeiou]$/.test(term)) add(`${term}s`);
    else add(`${term}es`);
    if (/[^aeiou]y$/.test(term)) add(`${term.slice(0, -1)}ies`);
    if (/[^aeiou]$/.test(term)) add(`${term}s`);
  }
  // Spanish gender.
  const stem = term.replace(/s$/, "");
  if (stem.endsWith("o")) add(`${stem.slice(0, -1)}a`);
  if (stem.endsWith("a")) add(`${stem.slice(0, -1)}o`);
  // Spanish verbs: the forms a customer asks in (abren, abrís, reparto, busco), the ones a
  // business answers in (abrimos, repartimos, buscamos), the infinitive, the participle, and the
  // noun in -miento (aparcar → aparcamiento). The conjugation is guessed from the ending.
  const stemOf = (endings: string[]) => {
    const ending = endings.find((e) => term.endsWith(e) && term.length - e.length >= 3);
    return ending === undefined ? undefined : term.slice(0, -ending.length);
  };
  const firstPerson = stemOf(["o"]);
  const ar = stemOf(["amos", "ais", "ar", "an"]) ?? firstPerson;
  const erIr = stemOf(["emos", "imos", "eis", "is", "er", "ir", "en"]) ?? firstPerson;
  if (ar !== undefined)
    for (const ending of ["ar", "a", "an", "amos", "o", "ado", "amiento"]) add(ar + ending);
  if (erIr !== undefined) {
    for (const ending of ["er", "ir", "e", "en", "emos", "imos", "o", "ido", "imiento"]) add(erIr + ending);
  }
  // English verb and noun forms.
  const base = cut("ing") ?? cut("ed");
  if (base !== undefined) {
    add(base);
    add(`${base}e`);
  }
  if (/[^aeiou]er$/.test(term)) {
    add(`${term}y`);
    add(`${term}ies`);
    add(`${term}ing`);
    add(`${term}ed`);
  }
  if (/[^aeiou]ery$/.test(term)) add(term.slice(0, -1));
  return [...out];
}

/**
 * Whether a folded document word stands for a folded query term: the same
 * word, one of its `termVariants`, or a shared prefix of at least four
 * letters that covers all but the last two of the shorter word (`hora` and
 * `horario`, `envio` and `enviamos`, `deliver` and `delivery`; not `abren`
 * and `abrimos`).
 */
export function wordMatchesTerm(
  word: string,
  term: string,
  variants: readonly string[] = termVariants(term),
): boolean {
  if (word === term || variants.includes(word)) return true;
  const shorter = Math.min(word.length, term.length);
  const need = Math.max(4, shorter - 2);
  if (shorter < need) return false;
  for (let i = 0; i < need; i++) if (word[i] !== term[i]) return false;
  return true;
}
