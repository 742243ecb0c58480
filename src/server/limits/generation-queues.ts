export interface QueueLimits {
  /** Generations of one model running at once. */
  concurrency: number;
  /** Requests that may wait for a slot; one more is refused at once. */
  maxWaiting: number;
}

export interface GenerationQueuesOptions {
  defaults: QueueLimits;
  /** Limits of particular models, by the name requests use (`agent:…` names go by their model). */
  models?: Record<string, Partial<QueueLimits>>;
  /** Milliseconds, monotonic. Default `performance.now`. */
  now?: () => number;
}

/** Gives the slot back. Idempotent. */
export type ReleaseSlot = () => void;

export type AcquireResult =
  | { ok: true; release: ReleaseSlot }
  | { ok: false; running: number; waiting: number; retryAfterSeconds: number };

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface ModelQueue {
  limits: QueueLimits;
  running: number;
  waiting: Waiter[];
  /** Moving average of how long a slot is held, in ms: the basis of `Retry-After`. */
  holdMs: number;
}

/** What a slot is assumed to be held for before any has been released. */
const INITIAL_HOLD_MS = 1000;

/**
 * A bounded queue per model in front of its generations: `concurrency`
 * running, `maxWaiting` waiting in arrival order, and an immediate refusal
 * beyond that, so that a burst turns into quick 429s with `Retry-After`
 * instead of a pile of requests that time out. The retry estimate is the
 * average slot time × the requests ahead ÷ the slots.
 */
export class GenerationQueues {
  readonly #options: GenerationQueuesOptions;
  readonly #now: () => number;
  readonly #queues = new Map<string, ModelQueue>();

  constructor(options: GenerationQueuesOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * A slot for `model`: at once when one is free, after waiting when the line
   * has room (rejects with the signal's reason if it aborts while waiting),
   * else `{ ok: false }` with the counts and a retry estimate.
   */
  acquire(model: string, signal?: AbortSignal): Promise<AcquireResult> {
    const queue = this.#queue(model);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (queue.running < queue.limits.concurrency) {
      queue.running++;
      return Promise.resolve({ ok: true, release: this.#releaser(queue) });
    }
    if (queue.waiting.length >= queue.limits.maxWaiting) {
      // The line has room again when the first running generation ends and its slot goes to a waiter:
      // with `concurrency` of them ending in turn, about one typical hold divided by their number.
      const retryAfterSeconds = Math.max(1, Math.ceil(queue.holdMs / queue.limits.concurrency / 1000));
      return Promise.resolve({
        ok: false,
        running: queue.running,
        waiting: queue.waiting.length,
        retryAfterSeconds,
      });
    }
    return new Promise<AcquireResult>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (release) => resolve({ ok: true, release }),
        reject,
        signal,
        onAbort: () => {
          const i = queue.waiting.indexOf(waiter);
          if (i >= 0) queue.waiting.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      queue.waiting.push(waiter);
    });
  }

  /** Running and waiting counts of every model that has been asked for. */
  /** Refuses every request still waiting for a slot (a server shutting down), with `reason`. */
  rejectWaiting(reason: unknown): void {
    for (const queue of this.#queues.values()) {
      for (const waiter of queue.waiting.splice(0)) {
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        waiter.reject(reason);
      }
    }
  }

  snapshot(): { model: string; running: number; waiting: number; limits: QueueLimits }[] {
    return [...this.#queues].map(([model, q]) => ({
      model,
      running: q.running,
      waiting: q.waiting.length,
      limits: q.limits,
    }));
  }

  #queue(model: string): ModelQueue {
    let queue = this.#queues.get(model);
    if (queue === undefined) {
      const own = this.#options.models?.[model];
      queue = {
        limits: { ...this.#options.defaults, ...own },
        running: 0,
        waiting: [],
        holdMs: INITIAL_HOLD_MS,
      };
      this.#queues.set(model, queue);
    }
    return queue;
  }

  #releaser(queue: ModelQueue): ReleaseSlot {
    const started = this.#now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      queue.holdMs = 0.8 * queue.holdMs + 0.2 * (this.#now() - started);
      const next = queue.waiting.shift();
      if (next === undefined) {
        queue.running--;
        return;
      }
      // The slot passes straight to the next in line: `running` stays the same.
      next.signal?.removeEventListener("abort", next.onAbort);
      next.resolve(this.#releaser(queue));
    };
  }
}
