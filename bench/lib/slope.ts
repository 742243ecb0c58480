/** Least-squares slope of y over x; 0 when every x is the same (fewer than two distinct points). */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n === 0) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
