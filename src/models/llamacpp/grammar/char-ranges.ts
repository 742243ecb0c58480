/**
 * Sets of UTF-16 code units as sorted, disjoint, inclusive ranges: what a
 * pattern's atoms can match, for `patternGbnf`'s ambiguity check. Small
 * (a class has a few ranges), so the operations are simple rather than fast.
 */
export type CharRanges = readonly (readonly [number, number])[];

export const NONE: CharRanges = [];
export const ALL: CharRanges = [[0, 0xffff]];

export function union(...sets: CharRanges[]): CharRanges {
  const sorted = sets.flat().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function complement(set: CharRanges): CharRanges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of union(set)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

export function intersects(a: CharRanges, b: CharRanges): boolean {
  return a.some(([lo, hi]) => b.some(([l, h]) => lo <= h && l <= hi));
}

export function char(c: string): CharRanges {
  const code = c.charCodeAt(0);
  return [[code, code]];
}

export const DIGIT: CharRanges = [[0x30, 0x39]];
export const WORD: CharRanges = union([[0x30, 0x39]], [[0x41, 0x5a]], [[0x5f, 0x5f]], [[0x61, 0x7a]]);
/** ECMAScript's `\s`, widened to every code unit from U+00A0 up (a wider set only refuses more). */
export const SPACE: CharRanges = union([[0x09, 0x0d]], [[0x20, 0x20]], [[0xa0, 0xffff]]);
/** What `.` matches: anything but a line terminator. */
export const DOT: CharRanges = complement(union(char("\n"), char("\r"), [[0x2028, 0x2029]]));
