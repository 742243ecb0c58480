/**
 * Group commit: items queue up and are handed to `commit` in groups — every
 * item waiting when a commit starts goes into it (up to `maxGroup`) — so one
 * disk sync serves many rows and the disk never paces the producers. `push`
 * returns at once, or once there is room when `maxPending` items wait. Commits
 * run one at a time, in order; `commit` must not throw.
 */
export class GroupCommitQueue<T> {
  private readonly pending: T[] = [];
  private readonly room: (() => void)[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly commit: (group: T[]) => Promise<void>,
    private readonly options: { maxGroup: number; maxPending: number; onCommit?: () => void },
  ) {}

  async push(item: T): Promise<void> {
    this.pending.push(item);
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
    while (this.pending.length >= this.options.maxPending && this.flushing) {
      await new Promise<void>((resolve) => this.room.push(resolve));
    }
  }

  /** Resolves once every queued item has been committed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      // Let the items finishing in this turn of the event loop join the group.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const group = this.pending.splice(0, this.options.maxGroup);
      for (const wake of this.room.splice(0)) wake();
      await this.commit(group);
      this.options.onCommit?.();
    }
    for (const wake of this.room.splice(0)) wake();
  }
}
