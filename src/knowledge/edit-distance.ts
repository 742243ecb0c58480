/**
 * Optimal-string-alignment distance between two words (insertions, deletions,
 * substitutions and swaps of two neighbouring letters, each costing 1), or
 * `max + 1` as soon as it must exceed `max`: typo matching only asks
 * whether two words are within 1 or 2 edits, so it stops early.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2]! + 1);
      }
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, max + 1);
}

/**
 * How many typos a word of this length may carry and still be recognised:
 * none under 5 letters (too many short words are one letter apart), 1 up to
 * 8, 2 from 9 ("entradas" is two letters from "entregas").
 */
export function typoAllowance(length: number): number {
  return length < 5 ? 0 : length < 9 ? 1 : 2;
}

/**
 * Whether two folded words start alike, as a typo almost always leaves the
 * first letter alone — except a silent Spanish `h` ("orario" for "horario").
 */
export function sameStart(a: string, b: string): boolean {
  return a.replace(/^h/, "")[0] === b.replace(/^h/, "")[0];
}
