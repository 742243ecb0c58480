/**
 * The SSE streams being served, each with a way to end it early and cleanly
 * (a last chunk, then `[DONE]`), so that a server shutting down closes them
 * in a way OpenAI clients read as a finished answer rather than a cut socket.
 */
export class OpenStreams {
  readonly #interrupts = new Set<() => void>();
  #closing = false;

  /**
   * Registers a stream; `interrupt` must make it end soon. Returns the function
   * that unregisters it. Once the server is closing, a stream that opens (it
   * was waiting for a slot, or for its provider) is interrupted at once.
   */
  open(interrupt: () => void): () => void {
    this.#interrupts.add(interrupt);
    if (this.#closing) queueMicrotask(interrupt);
    return () => {
      this.#interrupts.delete(interrupt);
    };
  }

  /** Asks every open stream to end, and every stream opened from now on. */
  interruptAll(): void {
    this.#closing = true;
    for (const interrupt of [...this.#interrupts]) interrupt();
  }

  get size(): number {
    return this.#interrupts.size;
  }
}
