import { InvalidArgumentError } from "commander";

/** Commander argument parsers: a bad value becomes a usage error (exit 2) naming the flag. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError("expected a whole number greater than 0");
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number, 0 or more");
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number, 0 or more");
  return n;
}

export function yesNo(value: string): boolean {
  if (/^(yes|true|y)$/i.test(value)) return true;
  if (/^(no|false|n)$/i.test(value)) return false;
  throw new InvalidArgumentError("expected yes or no");
}

/** A rubric score, 1 to 5. */
export function score(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidArgumentError("expected a score from 1 to 5");
  return n;
}
