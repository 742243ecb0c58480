/**
 * 2-means on the cosine of float vectors: how a vector cell that grew too big
 * becomes two. Deterministic (no randomness): the first seed is the vector
 * least like the cell's mean, the second the vector least like the first.
 * Returns which side each vector goes to and the two sides' mean directions.
 * Never leaves a side empty when there are two vectors or more (identical
 * vectors are split by position).
 */
import { dot, unitOf as unit } from "./vector-cells.js";

export interface Split {
  /** 0 or 1 per input vector. */
  side: Uint8Array;
  means: [Float32Array, Float32Array];
}

export function splitInTwo(vectors: readonly Float32Array[], iterations = 4): Split {
  const units = vectors.map(unit);
  const side = new Uint8Array(units.length);
  const dimension = units[0]?.length ?? 0;
  const leastLike = (direction: Float32Array) => {
    let best = 0;
    let bestDot = Number.POSITIVE_INFINITY;
    units.forEach((vector, i) => {
      const similarity = dot(vector, direction);
      if (similarity < bestDot) [best, bestDot] = [i, similarity];
    });
    return best;
  };
  const first = leastLike(meanOf(units, side, 0, dimension, true));
  let means: [Float32Array, Float32Array] = [units[first]!, units[leastLike(units[first]!)]!];
  for (let round = 0; round < iterations; round++) {
    let changed = false;
    units.forEach((vector, i) => {
      const next = dot(vector, means[1]) > dot(vector, means[0]) ? 1 : 0;
      if (next !== side[i]) changed = true;
      side[i] = next;
    });
    means = [meanOf(units, side, 0, dimension), meanOf(units, side, 1, dimension)];
    if (!changed && round > 0) break;
  }
  const ones = side.reduce((sum, value) => sum + value, 0);
  if (units.length >= 2 && (ones === 0 || ones === units.length)) {
    side.forEach((_, i) => {
      side[i] = i < units.length / 2 ? 0 : 1;
    });
    means = [meanOf(units, side, 0, dimension), meanOf(units, side, 1, dimension)];
  }
  return { side, means };
}

function meanOf(
  units: readonly Float32Array[],
  side: Uint8Array,
  which: number,
  dimension: number,
  everyone = false,
): Float32Array {
  const mean = new Float32Array(dimension);
  units.forEach((vector, i) => {
    if (!everyone && side[i] !== which) return;
    for (let d = 0; d < dimension; d++) mean[d]! += vector[d]!;
  });
  return unit(mean);
}
