/**
 * The SSE streams being served, each with a way to end it early and cleanly
 * (a last chunk, then `[DONE]`), so that a server shutting down closes them
 * in a way OpenAI clients read as a finished answer rather than a cut socket.
 */
export class OpenStreams {
  readonly #interrupts = new Set<() => void>();

  /** Registers a stream; `interrupt` must make it end soon. Returns the function that unregisters it. */
  open(interrupt: () => void): () => void {
    this.#interrupts.add(interrupt);
    return () => {
      this.#interrupts.delete(interrupt);
    };
  }

  /** Asks every open stream to end. */
  interruptAll(): void {
    for (const interrupt of [...this.#interrupts]) interrupt();
  }

  get size(): number {
    return this.#interrupts.size;
  }
}
