/** The usual constant of reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009). */
export const rrfK = 60;

export interface Fused<T> {
  /** The item as the first list that has it gives it. */
  item: T;
  /** Σ weight / (k + rank) over the lists that have it (rank 1-based). */
  score: number;
  /** Its 1-based rank in each list, undefined where absent. */
  ranks: (number | undefined)[];
}

/**
 * Reciprocal rank fusion: merges rankings whose scores are not comparable
 * (BM25 and cosine similarity) using ranks alone. Items are matched by `key`;
 * a duplicate within one list counts at its best rank only. Best first; ties
 * go to the better single rank, then to the earlier list.
 */
export function reciprocalRankFusion<T>(
  lists: readonly (readonly T[])[],
  key: (item: T) => string,
  options: { k?: number; weights?: readonly number[] } = {},
): Fused<T>[] {
  const k = options.k ?? rrfK;
  const fused = new Map<string, Fused<T> & { order: number }>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    list.forEach((item, index) => {
      const id = key(item);
      let entry = fused.get(id);
      if (entry === undefined) {
        entry = { item, score: 0, ranks: lists.map(() => undefined), order: fused.size };
        fused.set(id, entry);
      }
      if (entry.ranks[listIndex] !== undefined) return;
      entry.ranks[listIndex] = index + 1;
      entry.score += weight / (k + index + 1);
    });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || bestRank(a) - bestRank(b) || a.order - b.order)
    .map(({ item, score, ranks }) => ({ item, score, ranks }));
}

function bestRank(entry: { ranks: (number | undefined)[] }): number {
  return Math.min(...entry.ranks.map((rank) => rank ?? Number.POSITIVE_INFINITY));
}
