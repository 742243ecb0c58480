/** Timing, percentiles, overlap and the reciprocal-rank fusion used by bench/retrieval.ts. */

export interface Timing {
  p50: number;
  p95: number;
  mean: number;
  count: number;
}

/** Nearest-rank percentiles of durations in milliseconds. */
export function timing(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p95: at(0.95), mean, count: sorted.length };
}

/** Several rounds of the same queries: the median of their p50s and of their p95s. */
export function medianTiming(rounds: readonly (readonly number[])[]): Timing {
  const each = rounds.map((samples) => timing(samples));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
  return {
    p50: median(each.map((t) => t.p50)),
    p95: median(each.map((t) => t.p95)),
    mean: median(each.map((t) => t.mean)),
    count: each.reduce((sum, t) => sum + t.count, 0),
  };
}

export interface Timed<R> {
  /** Duration of each call, in ms. */
  ms: number[];
  results: R[];
}

/** Runs `fn` once per input and returns its durations (ms) and results. */
export async function timeEach<I, R>(
  inputs: readonly I[],
  fn: (input: I) => R | Promise<R>,
): Promise<Timed<R>> {
  const ms: number[] = [];
  const results: R[] = [];
  for (const input of inputs) {
    const started = performance.now();
    results.push(await fn(input));
    ms.push(performance.now() - started);
  }
  return { ms, results };
}

/** |ours ∩ truth| / |truth|, averaged over queries (recall@k against a reference). */
export function meanOverlap<T>(ours: readonly (readonly T[])[], truth: readonly (readonly T[])[]): number {
  let total = 0;
  let counted = 0;
  truth.forEach((expected, i) => {
    if (expected.length === 0) return;
    const got = new Set(ours[i] ?? []);
    total += expected.filter((item) => got.has(item)).length / expected.length;
    counted += 1;
  });
  return counted === 0 ? 1 : total / counted;
}

/**
 * Reciprocal-rank fusion (Cormack et al. 2009): each list adds 1 / (k + rank)
 * for every item it ranks (rank from 1); best first. k = 60 as in the paper.
 * (src/knowledge has no fusion module yet; move this there when it does.)
 */
export function reciprocalRankFusion<T>(
  lists: readonly (readonly T[])[],
  limit: number,
  k = 60,
): { item: T; score: number }[] {
  const scores = new Map<T, number>();
  for (const list of lists) {
    for (const [index, item] of list.entries())
      scores.set(item, (scores.get(item) ?? 0) + 1 / (k + index + 1));
  }
  return [...scores.entries()]
    .map(([item, score]) => ({ item, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(2));

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** A plain-text table: first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  return [
    line(rows[0]!),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}
