/**
 * GBNF for JSON numbers within bounds. A JSON Schema `minimum`/`maximum` cannot
 * be checked by a grammar directly, but the set of decimal strings inside an
 * integer range is a regular language: split it by digit count, then by the
 * leading digit (the classic digit-range construction).
 *
 * Integers are limited to 15 digits, so every one the grammar allows is a safe
 * JavaScript integer (zod's `.int()` bounds of ±(2^53 - 1) therefore never bind).
 */

/** The largest magnitude the grammars here produce: 15 nines. */
export const MAX_DIGITS = 15;
export const MAX_MAGNITUDE = 10 ** MAX_DIGITS - 1;

export const INTEGER_GBNF = `"-"? ("0" | [1-9] [0-9]{0,${MAX_DIGITS - 1}})`;
const FRACTION = `"." [0-9]{1,${MAX_DIGITS}}`;
export const NUMBER_GBNF = `${INTEGER_GBNF} (${FRACTION})?`;

const nines = (n: number) => "9".repeat(n);
const zeros = (n: number) => "0".repeat(n);
const digitSpan = (n: number) => (n === 0 ? "" : n === 1 ? " [0-9]" : ` [0-9]{${n}}`);

/** Fixed-width digit strings from `a` to `b` inclusive (same length, `a <= b`; leading zeros allowed). */
function sameWidth(a: string, b: string): string {
  if (a === b) return `"${a}"`;
  if (a.length === 1) return `[${a}-${b}]`;
  const rest = a.length - 1;
  const [a0, aRest, b0, bRest] = [a[0]!, a.slice(1), b[0]!, b.slice(1)];
  if (a0 === b0) return `"${a0}" (${sameWidth(aRest, bRest)})`;
  const lowFull = aRest === zeros(rest);
  const highFull = bRest === nines(rest);
  const parts: string[] = [];
  if (!lowFull) parts.push(`"${a0}" (${sameWidth(aRest, nines(rest))})`);
  const from = lowFull ? Number(a0) : Number(a0) + 1;
  const to = highFull ? Number(b0) : Number(b0) - 1;
  if (from <= to) parts.push(`${from === to ? `"${from}"` : `[${from}-${to}]`}${digitSpan(rest)}`);
  if (!highFull) parts.push(`"${b0}" (${sameWidth(zeros(rest), bRest)})`);
  return parts.join(" | ");
}

/** Decimal integers (no sign, no leading zeros) in `[lo, hi]`, `0 <= lo <= hi <= MAX_MAGNITUDE`. */
export function nonNegativeIntegerRange(lo: number, hi: number): string {
  const parts: string[] = [];
  for (let width = String(lo).length; width <= String(hi).length; width++) {
    const a = Math.max(lo, width === 1 ? 0 : 10 ** (width - 1));
    const b = Math.min(hi, 10 ** width - 1);
    if (a <= b) parts.push(`(${sameWidth(String(a), String(b))})`);
  }
  return parts.join(" | ");
}

/** Integers in `[lo, hi]` (either may be infinite); `undefined` when the range is empty. */
export function integerRange(lo: number, hi: number): string | undefined {
  const low = Math.max(Math.ceil(lo), -MAX_MAGNITUDE);
  const high = Math.min(Math.floor(hi), MAX_MAGNITUDE);
  if (low > high) return undefined;
  if (low === -MAX_MAGNITUDE && high === MAX_MAGNITUDE) return INTEGER_GBNF;
  const parts: string[] = [];
  if (high >= 0) parts.push(nonNegativeIntegerRange(Math.max(low, 0), high));
  if (low < 0) parts.push(`"-" (${nonNegativeIntegerRange(Math.max(1, -high), -low)})`);
  return parts.map((part) => `(${part})`).join(" | ");
}

export interface Bound {
  value: number;
  inclusive: boolean;
}

/**
 * Non-negative decimals `x` with `lo <(=) x <(=) hi`, where the bounds are
 * integers (`hi` may be absent). The integer part decides most cases; only at
 * the bounds does the fraction matter: `x == hi` needs a zero fraction, and
 * `x` just above an exclusive `lo` needs a non-zero one.
 */
function nonNegativeDecimal(lo: Bound, hi: Bound | undefined): string | undefined {
  const firstWhole = lo.inclusive ? lo.value : lo.value + 1;
  const lastWhole = hi === undefined ? MAX_MAGNITUDE : hi.value - 1;
  const parts: string[] = [];
  if (firstWhole <= lastWhole)
    parts.push(`(${nonNegativeIntegerRange(firstWhole, lastWhole)}) (${FRACTION})?`);
  if (!lo.inclusive && (hi === undefined || lo.value < hi.value)) {
    parts.push(`"${lo.value}" "." [0-9]{0,${MAX_DIGITS - 1}} [1-9]`);
  }
  if (hi?.inclusive && hi.value >= firstWhole) parts.push(`"${hi.value}" ("." "0"{1,${MAX_DIGITS}})?`);
  return parts.length === 0 ? undefined : parts.join(" | ");
}

/**
 * Decimals between two integer bounds (each optional). Returns `undefined` when
 * no number fits. Callers must pass integer bound values; fractional bounds are
 * not expressible here.
 */
export function decimalRange(lo: Bound | undefined, hi: Bound | undefined): string | undefined {
  if (lo === undefined && hi === undefined) return NUMBER_GBNF;
  const low = lo ?? { value: -MAX_MAGNITUDE, inclusive: true };
  const parts: string[] = [];
  if (hi === undefined || hi.value > 0 || (hi.value === 0 && hi.inclusive)) {
    const positive =
      low.value >= 0 ? nonNegativeDecimal(low, hi) : nonNegativeDecimal({ value: 0, inclusive: true }, hi);
    if (positive !== undefined) parts.push(positive);
  }
  if (low.value < 0) {
    // -x with x in (max(0, -hi), -lo]: mirror the bounds; zero itself belongs to the branch above.
    const mirroredLow: Bound =
      hi !== undefined && hi.value < 0
        ? { value: -hi.value, inclusive: hi.inclusive }
        : { value: 0, inclusive: false };
    const negative = nonNegativeDecimal(mirroredLow, { value: -low.value, inclusive: low.inclusive });
    if (negative !== undefined) parts.push(`"-" (${negative})`);
  }
  return parts.length === 0 ? undefined : parts.map((part) => `(${part})`).join(" | ");
}
