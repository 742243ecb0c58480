/**
 * A follower's wait: until it is woken (a `ChangeFeed` notification), a
 * timeout passes (the fallback poll) or it is aborted, whichever comes first.
 * Wakes that arrive while the follower is busy are not lost: the next `wait`
 * returns at once, once for all of them.
 */
export class WakeSignal {
  #pending = false;
  #resolve: (() => void) | undefined;

  wake(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  /** Resolves on a wake (true), after `ms` (false), or when `signal` aborts (false). Never rejects. */
  async wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (!this.#pending && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.#resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        this.#resolve = done;
      });
    }
    const woken = this.#pending;
    this.#pending = false;
    return woken;
  }
}
