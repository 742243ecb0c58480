/**
 * A first-come, first-served async lock. `acquire()` resolves with a release
 * function once every earlier holder has released; releasing twice is a no-op.
 * The stores use it so that, while a transaction awaits, other calls on the
 * same store wait instead of interleaving their statements with it.
 */
export class AsyncMutex {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  /** True while someone holds the lock (queued waiters imply it is held). */
  get held(): boolean {
    return this.#held;
  }

  acquire(): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => {
      this.#waiters.push(() => resolve(this.#releaser()));
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // Hand the lock straight to the next waiter so nobody can jump the queue.
      if (next) next();
      else this.#held = false;
    };
  }
}
