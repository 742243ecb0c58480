/**
 * Turns what a customer typed into a safe FTS5 query. Raw text never reaches
 * MATCH: FTS5 gives `AND`, `OR`, `NOT`, `NEAR`, `*`, `^`, `:`, `-`, `+`,
 * parentheses and quotes a meaning, and a stray one is a syntax error. Words
 * are taken out of the text and each is written as a quoted FTS5 string
 * (`"..."`, inner quotes doubled), which FTS5 tokenises with the index's own
 * tokenizer, so any word is valid however it is spelled.
 */

/** Runs of letters, digits, marks and private-use characters: FTS5 unicode61's token characters, roughly. */
const wordPattern = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** At most this many distinct words are searched; a pasted page is cut to its first ones. */
export const maxSearchTerms = 32;
/** Only this much of a query is read: bounded work for a 1 MB paste. */
const maxQueryChars = 64 * 1024;
/** Longer "words" (a base64 blob, a URL squashed together) are noise, not terms. */
const maxTermChars = 64;

/**
 * The distinct words of `query`, folded as the index folds them (lower case,
 * without diacritics), in order of first appearance. Empty when the query has
 * no letters or digits (only punctuation, emoji, whitespace).
 */
export function searchTerms(query: string, max = maxSearchTerms): string[] {
  const terms = new Set<string>();
  for (const match of query.slice(0, maxQueryChars).matchAll(wordPattern)) {
    const term = fold(match[0]);
    if (term.length === 0 || term.length > maxTermChars) continue;
    terms.add(term);
    if (terms.size >= max) break;
  }
  return [...terms];
}

/** `text` as an FTS5 string literal: always one valid phrase, never an operator. */
export function fts5String(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

// NFD then dropping marks is what `remove_diacritics 2` does for Latin scripts
// (é → e, ñ → n); FTS5 re-tokenises the quoted term anyway, so this only has to
// make `café` and `cafe` the same term here.
function fold(word: string): string {
  return word
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}
