/**
 * The cutting tools of the section chunker: sentences, hard cuts at word
 * boundaries, and the overlap carried from one piece to the next.
 */

/** Sentences, each keeping its closing punctuation. Text without sentence ends is one sentence. */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?…])\s+/u).filter((s) => s !== "");
}

/**
 * Pieces of at most `max` characters, cut at the last whitespace of each
 * window (or at `max` exactly when a word is longer than half a window).
 */
export function hardSplit(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = window.search(/\s\S*$/u);
    const at = cut > max / 2 ? cut : max;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== "") pieces.push(rest);
  return pieces;
}

/**
 * The end of `text` to repeat at the start of the next piece: at most
 * `overlap` characters, starting at a sentence start when there is one in
 * that window, else at a word start. Empty when `overlap` is 0.
 */
export function overlapTail(text: string, overlap: number): string {
  if (overlap <= 0) return "";
  if (text.length <= overlap) return text;
  const tail = text.slice(-overlap);
  const sentence = /[.!?…]\s+/u.exec(tail);
  if (sentence && sentence.index + sentence[0].length < tail.length) {
    return tail.slice(sentence.index + sentence[0].length);
  }
  if (/\s/u.test(text[text.length - overlap - 1] ?? "")) return tail.trim();
  const space = tail.search(/\s/u);
  return space === -1 ? "" : tail.slice(space).trim();
}
