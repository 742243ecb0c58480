/**
 * The runs of digits in a candidate, as offsets into it. No object per run:
 * a 100 KB run of "1 1 1 …" costs two typed arrays, not 50,000 objects,
 * which keeps the phone and card checks linear with a small constant.
 */
export interface DigitGroups {
  readonly text: string;
  /** How many runs; a check may lower it to ignore the last ones. */
  count: number;
  /** [starts[i], ends[i]) is the i-th run. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export function digitGroups(text: string): DigitGroups {
  // At most one run per two characters.
  const starts = new Int32Array((text.length + 1) >> 1);
  const ends = new Int32Array(starts.length);
  let count = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57;
    if (digit && !inRun) starts[count++] = i;
    if (digit) ends[count - 1] = i + 1;
    inRun = digit;
  }
  return { text, count, starts, ends };
}

/** How many digits runs [from, to) hold. */
export function digitsIn(groups: DigitGroups, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += (groups.ends[i] as number) - (groups.starts[i] as number);
  return n;
}

/** The characters between run i - 1 and run i; "" for the first. */
export function gapBefore(groups: DigitGroups, i: number): string {
  return i === 0 ? "" : groups.text.slice(groups.ends[i - 1], groups.starts[i]);
}

/** The n-th digit (from 0) counting from the start of run i, or -1 past the last run. */
export function digitAt(groups: DigitGroups, i: number, n: number): number {
  for (let g = i; g < groups.count; g++) {
    const start = groups.starts[g] as number;
    const length = (groups.ends[g] as number) - start;
    if (n < length) return groups.text.charCodeAt(start + n) - 48;
    n -= length;
  }
  return -1;
}

/** The value of run i read as a number (runs are short where this is asked). */
export function runValue(groups: DigitGroups, i: number): number {
  return Number(groups.text.slice(groups.starts[i], groups.ends[i]));
}

export function runLength(groups: DigitGroups, i: number): number {
  return (groups.ends[i] as number) - (groups.starts[i] as number);
}
