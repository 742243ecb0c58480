import { afterEach } from "vitest";

/**
 * For the limits' conformance suites, whose `open` hands out two handles on
 * one shared store: registers an `afterEach` that closes every handle given
 * to the returned function during the test, each once (one process's store is
 * the same object twice), and returns that function.
 */
export function closeAfterEach<T extends { close(): Promise<void> | void }>(): (
  handles: readonly T[],
) => void {
  const opened: T[] = [];
  afterEach(async () => {
    await Promise.all([...new Set(opened.splice(0))].map((store) => store.close()));
  });
  return (handles) => {
    opened.push(...handles);
  };
}
