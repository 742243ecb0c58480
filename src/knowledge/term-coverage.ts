import { words } from "./fold-text.js";
import { termVariants, wordMatchesTerm } from "./query-terms.js";

/**
 * The share (0..1) of `terms` (folded topic words, see `contentTerms`) that
 * some word of `text` stands for (see `wordMatchesTerm`). 0 when `terms` is
 * empty. This is the retriever's `confidence` before vector similarity.
 */
export function termCoverage(terms: readonly string[], text: string): number {
  if (terms.length === 0) return 0;
  const present = new Set(words(text));
  let found = 0;
  for (const term of terms) {
    if (present.has(term)) {
      found++;
      continue;
    }
    const variants = termVariants(term);
    for (const word of present) {
      if (wordMatchesTerm(word, term, variants)) {
        found++;
        break;
      }
    }
  }
  return found / terms.length;
}
