import { loadavg } from "node:os";
import { median } from "./stats.js";

/** One figure measured in several rounds: its median and the range the rounds spanned. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Throws on an empty list (see `median`). */
export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * `12.3 (11.0–13.1)`: the median, then the rounds' range; the range is left
 * out for one round. `digits` after the point, but never fewer than 3
 * significant ones (a ratio of 0.00412 is not printed as 0.004 or 0.000).
 */
export function formatSpread(s: Spread, digits = 1): string {
  const f = (n: number) =>
    n !== 0 && Math.abs(n) < 10 ** (3 - digits) && Number.isFinite(n) ? n.toPrecision(3) : n.toFixed(digits);
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
}
