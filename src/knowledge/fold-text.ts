/**
 * Text as search compares it: lower case, without diacritics (`Panadería` →
 * `panaderia`, `Ñ` → `n`), the way the store's BM25 index folds it, so that a
 * customer who types without accents finds accented text and vice versa.
 */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** Words of folded text: runs of letters and digits (`1,20` gives `1` and `20`). */
export function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
