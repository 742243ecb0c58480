import type { Path } from "./schema-keywords.js";

/**
 * The path to an array or object of `value` nested deeper than `limit`, or
 * undefined. Iterative: the value may be nested far deeper than the stack.
 */
export function deeperThan(value: unknown, limit: number): Path | undefined {
  const stack: { value: unknown; path: Path }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (path.length >= limit) return path;
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * Whether `value` has more than `limits.nodes` arrays, objects and scalars,
 * or nests deeper than `limits.depth`; undefined when it has neither. Stops
 * at the limit, so it also ends on a structure that contains itself.
 */
export function shapeProblem(value: unknown, limits: { depth: number; nodes: number }): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > limits.nodes) return `has more than ${limits.nodes} values and keys`;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= limits.depth) return `nests more than ${limits.depth} levels deep`;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}
