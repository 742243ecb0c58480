/**
 * The one poll helper of the tests: `until(probe)` calls `probe` every
 * `everyMs` until it gives something other than `undefined`, `null` or
 * `false`, and returns that value (a boolean probe resolves `true`). Throws
 * after `timeoutMs`, with the last value seen, so a failure says what the
 * test waited for and what it got instead.
 *
 * For conditions a test cannot be told about (a queue drained, a row
 * written by another process); a test that can await the event itself should.
 */

/** What a probe returns while the condition does not hold yet. */
export type NotYet = undefined | null | false;

export async function until<T>(
  probe: () => Promise<T | NotYet> | T | NotYet,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) {
      throw new Error(`until: the condition did not hold within ${timeoutMs} ms (last: ${String(value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
