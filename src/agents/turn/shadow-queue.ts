/**
 * Where shadow answers wait and run: at most `concurrency` at once and
 * `waiting` more queued, so the teacher's silent work can never pile up
 * behind a busy agent (a turn sampled when the queue is full is recorded as
 * `busy` and not shadowed). Jobs get a signal that `close()` aborts; a job's
 * failure is its own business (it records it), never thrown here.
 */
export class ShadowQueue {
  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly controller = new AbortController();
  private readonly settled = new Set<() => void>();

  constructor(
    private readonly limits: { concurrency: number; waiting: number } = { concurrency: 1, waiting: 8 },
  ) {}

  /** Queues `job`; false (and nothing runs) when the queue is full or closed. */
  submit(job: (signal: AbortSignal) => Promise<void>): boolean {
    if (this.controller.signal.aborted) return false;
    if (this.running >= this.limits.concurrency && this.queue.length >= this.limits.waiting) return false;
    this.queue.push(() => job(this.controller.signal));
    this.pump();
    return true;
  }

  /** Resolves once nothing runs or waits (tests, benchmarks, a graceful stop). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.settled.add(resolve));
  }

  /** Aborts the running jobs and drops the waiting ones; later submits are refused. */
  close(): void {
    this.controller.abort();
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.running++;
      void next()
        .catch(() => {})
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) {
            for (const resolve of this.settled) resolve();
            this.settled.clear();
          }
        });
    }
  }
}
