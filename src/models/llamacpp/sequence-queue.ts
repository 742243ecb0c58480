import type { LlamaContext, LlamaContextSequence } from "node-llama-cpp";
import { AlambiqueError } from "../../spec/errors.js";

interface Waiter {
  resolve(sequence: LlamaContextSequence): void;
  reject(error: unknown): void;
}

/**
 * Lends the sequences of one context. Sequences are created on first need (up
 * to the context's count); when all are lent, borrowers wait first-in
 * first-out for at most `timeoutMs`, and one whose signal aborts leaves the
 * line at once.
 *
 * A returned sequence goes straight to the longest waiter; with no waiter it
 * is kept, and the most recently returned one is lent first: its KV cache is
 * the likeliest to share a prefix with the next request (the same
 * conversation's next turn).
 */
export class SequenceQueue {
  readonly context: LlamaContext;
  readonly #timeoutMs: number;
  readonly #idle: LlamaContextSequence[] = [];
  readonly #waiters: Waiter[] = [];
  #created = 0;

  constructor(context: LlamaContext, timeoutMs: number) {
    this.context = context;
    this.#timeoutMs = timeoutMs;
  }

  /** A free sequence. Rejects with `model_busy` after the timeout, or with the signal's reason. */
  take(signal?: AbortSignal): Promise<LlamaContextSequence> {
    // The signal may have fired while the model loaded: an abort listener added now would never run.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#created < this.context.totalSequences) {
      this.#created++;
      return Promise.resolve(this.context.getSequence());
    }
    return new Promise<LlamaContextSequence>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        resolve: (sequence) => {
          leave();
          resolve(sequence);
        },
        reject: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(signal!.reason);
      const timer = setTimeout(() => waiter.reject(this.#busyError()), this.#timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Returns a sequence taken with `take`. */
  give(sequence: LlamaContextSequence): void {
    const next = this.#waiters.shift();
    if (next) next.resolve(sequence);
    else this.#idle.push(sequence);
  }

  /** Rejects everyone waiting (the pool is closing). */
  rejectAll(error: unknown): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }

  #busyError(): AlambiqueError {
    return new AlambiqueError(
      `all ${this.context.totalSequences} sequences of the model stayed busy for ${this.#timeoutMs} ms`,
      {
        code: "model_busy",
        status: 503,
        retryable: true,
        hint: "Retry later, or raise `sequences` (more parallel requests, more memory) or `queueTimeoutMs`.",
      },
    );
  }
}
