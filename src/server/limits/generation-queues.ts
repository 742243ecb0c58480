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
  tenant: string;
  resolve: (result: AcquireResult) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface ModelQueue {
  limits: QueueLimits;
  running: number;
  /** Slots held, by tenant (tenants holding none are absent). */
  runningBy: Map<string, number>;
  /** Waiting requests by tenant, oldest first; the map's order is the tenants' turn order. */
  waiting: Map<string, Waiter[]>;
  /** All waiting requests, every tenant's. */
  waitingCount: number;
  /** Moving average of how long a slot is held, in ms: the basis of `Retry-After`. */
  holdMs: number;
}

/** What a slot is assumed to be held for before any has been released. */
const INITIAL_HOLD_MS = 1000;

/**
 * A bounded queue per model in front of its generations: `concurrency`
 * running, `maxWaiting` waiting, and an immediate refusal beyond that, so
 * that a burst turns into quick 429s with `Retry-After` instead of a pile of
 * requests that time out. The retry estimate is the average slot time ×
 * the requests ahead ÷ the slots.
 *
 * Tenants share a model fairly, so that one cannot shut the others out:
 * - A freed slot goes to the waiting tenant that holds the fewest slots
 *   (ties: in turn, round-robin), and within a tenant to its oldest request.
 * - A full line still takes a tenant that has fewer requests waiting than
 *   the one with the most: that one's newest waiting request is refused
 *   (429, as if it had just arrived) and gives up its place. A tenant alone
 *   may fill the whole line; with others, each keeps at least its share.
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
   * A slot for `model`, for `tenant`'s request: at once when one is free,
   * after waiting when the line has room for the tenant (rejects with the
   * signal's reason if it aborts while waiting), else `{ ok: false }` with
   * the counts and a retry estimate — also for a waiting request whose place
   * another tenant took (see the class).
   */
  acquire(model: string, signal?: AbortSignal, tenant = ""): Promise<AcquireResult> {
    const queue = this.#queue(model);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (queue.running < queue.limits.concurrency) {
      queue.running++;
      return Promise.resolve({ ok: true, release: this.#take(queue, tenant) });
    }
    if (queue.waitingCount >= queue.limits.maxWaiting) {
      const heaviest = this.#mostWaiting(queue);
      const mine = queue.waiting.get(tenant)?.length ?? 0;
      if (heaviest === undefined || heaviest.length <= mine + 1) return Promise.resolve(this.#full(queue));
      const evicted = heaviest.pop()!;
      this.#forget(queue, evicted);
      evicted.signal?.removeEventListener("abort", evicted.onAbort);
      evicted.resolve(this.#full(queue));
    }
    return new Promise<AcquireResult>((resolve, reject) => {
      const waiter: Waiter = {
        tenant,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const line = queue.waiting.get(tenant);
          const i = line?.indexOf(waiter) ?? -1;
          if (i >= 0) {
            line!.splice(i, 1);
            this.#forget(queue, waiter);
          }
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      const line = queue.waiting.get(tenant);
      if (line) line.push(waiter);
      else queue.waiting.set(tenant, [waiter]);
      queue.waitingCount++;
    });
  }

  /** Refuses every request still waiting for a slot (a server shutting down), with `reason`. */
  rejectWaiting(reason: unknown): void {
    for (const queue of this.#queues.values()) {
      const lines = [...queue.waiting.values()];
      queue.waiting.clear();
      queue.waitingCount = 0;
      for (const waiter of lines.flat()) {
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        waiter.reject(reason);
      }
    }
  }

  /** Running and waiting counts of every model that has been asked for. */
  snapshot(): { model: string; running: number; waiting: number; limits: QueueLimits }[] {
    return [...this.#queues].map(([model, q]) => ({
      model,
      running: q.running,
      waiting: q.waitingCount,
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
        runningBy: new Map(),
        waiting: new Map(),
        waitingCount: 0,
        holdMs: INITIAL_HOLD_MS,
      };
      this.#queues.set(model, queue);
    }
    return queue;
  }

  /** The refusal of a full line. */
  #full(queue: ModelQueue): AcquireResult {
    // The line has room again when the first running generation ends and its slot goes to a waiter:
    // with `concurrency` of them ending in turn, about one typical hold divided by their number.
    const retryAfterSeconds = Math.max(1, Math.ceil(queue.holdMs / queue.limits.concurrency / 1000));
    return { ok: false, running: queue.running, waiting: queue.waitingCount, retryAfterSeconds };
  }

  /** The longest tenant's line; undefined when none waits. */
  #mostWaiting(queue: ModelQueue): Waiter[] | undefined {
    let longest: Waiter[] | undefined;
    for (const line of queue.waiting.values()) if (line.length > (longest?.length ?? 0)) longest = line;
    return longest;
  }

  /** Counts out a waiter already taken out of its tenant's line, and drops the line when empty. */
  #forget(queue: ModelQueue, waiter: Waiter): void {
    queue.waitingCount--;
    if (queue.waiting.get(waiter.tenant)?.length === 0) queue.waiting.delete(waiter.tenant);
  }

  /** The next waiter to get a slot: of the waiting tenant holding the fewest, first in turn; its oldest. */
  #next(queue: ModelQueue): Waiter | undefined {
    let chosen: string | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const tenant of queue.waiting.keys()) {
      const held = queue.runningBy.get(tenant) ?? 0;
      if (held < fewest) {
        chosen = tenant;
        fewest = held;
      }
    }
    if (chosen === undefined) return undefined;
    const line = queue.waiting.get(chosen)!;
    const next = line.shift()!;
    // Its turn is over: it goes to the back of the order (or out, with nothing left waiting).
    queue.waiting.delete(chosen);
    if (line.length > 0) queue.waiting.set(chosen, line);
    queue.waitingCount--;
    return next;
  }

  /** Counts a slot as the tenant's and gives the function that releases it. */
  #take(queue: ModelQueue, tenant: string): ReleaseSlot {
    queue.runningBy.set(tenant, (queue.runningBy.get(tenant) ?? 0) + 1);
    const started = this.#now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      queue.holdMs = 0.8 * queue.holdMs + 0.2 * (this.#now() - started);
      const held = (queue.runningBy.get(tenant) ?? 1) - 1;
      if (held > 0) queue.runningBy.set(tenant, held);
      else queue.runningBy.delete(tenant);
      const next = this.#next(queue);
      if (next === undefined) {
        queue.running--;
        return;
      }
      // The slot passes straight to the next in line: `running` stays the same.
      next.signal?.removeEventListener("abort", next.onAbort);
      next.resolve({ ok: true, release: this.#take(queue, next.tenant) });
    };
  }
}
