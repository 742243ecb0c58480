/**
 * Bounded parallelism: `concurrency` workers each take the next item from
 * `next` and process it, until `next` has nothing more or `signal` aborts.
 * Resolves when every worker has stopped; `work` must not throw (the engine
 * turns failures into rows, and fatal ones into an abort of `signal`).
 */
export async function runBounded<T>(
  concurrency: number,
  next: () => Promise<T | undefined>,
  work: (item: T) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const worker = async () => {
    while (!signal.aborted) {
      const item = await next();
      if (item === undefined || signal.aborted) return;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Items from a paged source, one at a time, in order: `page(after, limit)`
 * returns the items after the cursor. Concurrent callers share one fetch.
 */
export function pagedFeed<T>(
  page: (after: number, limit: number) => Promise<T[]>,
  cursor: (item: T) => number,
  pageSize = 256,
): () => Promise<T | undefined> {
  let buffer: T[] = [];
  let after = -1;
  let exhausted = false;
  let fetching: Promise<void> | undefined;
  const refill = async () => {
    const items = await page(after, pageSize);
    if (items.length === 0) exhausted = true;
    else after = cursor(items.at(-1)!);
    buffer = buffer.concat(items);
  };
  return async function next() {
    while (buffer.length === 0 && !exhausted) {
      fetching ??= refill().finally(() => {
        fetching = undefined;
      });
      await fetching;
    }
    return buffer.shift();
  };
}
