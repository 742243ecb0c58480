import type { Database, Statement } from "better-sqlite3";

interface Pending {
  call: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the SQLite store: the repository calls that arrive while
 * the event loop is busy (one loop turn, `setImmediate`) run in issue order in
 * ONE transaction, so eight concurrent turns share one fsync of the WAL
 * instead of paying one each (`synchronous = FULL` makes every commit wait
 * for the disk: 2.6 commits per retrieval-mode turn before this).
 *
 * Contract, the same as one autocommit per call:
 * - a call's promise settles only after its transaction is durable, so an
 *   acknowledged write survives kill -9 (the durability conformance test);
 * - calls run in the order they were made, each seeing the ones before;
 * - a failing call changes nothing (its own SAVEPOINT is rolled back) and
 *   fails alone; the others in the batch still commit. If SQLite rolls the
 *   whole transaction back itself (disk full), every call of the batch that
 *   had run is rejected with that error, since none of its writes remain.
 *
 * A batch of one call runs as it always did, without BEGIN or SAVEPOINT.
 *
 * The transaction statements are prepared once (as better-sqlite3's own
 * `transaction()` does): `db.exec` compiled each SAVEPOINT and RELEASE again,
 * two per call, about a tenth of a retrieval-mode turn's CPU besides the fsync.
 */
export class GroupCommit {
  readonly #db: Database;
  readonly #execute: <R>(call: () => R) => R;
  readonly #sql: Record<"begin" | "commit" | "rollback" | "savepoint" | "release" | "rollbackTo", Statement>;
  #pending: Pending[] = [];
  /** Settles when the scheduled batch has run; undefined when none is scheduled. */
  #scheduled: Promise<void> | undefined;

  /**
   * `execute` runs one call and normalises its error; `runBatch` runs the
   * batch when the store may (it waits while a `store.transaction` is open).
   */
  constructor(
    db: Database,
    execute: <R>(call: () => R) => R,
    readonly runBatch: (batch: () => void) => Promise<void>,
  ) {
    this.#db = db;
    this.#execute = execute;
    this.#sql = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      savepoint: db.prepare("SAVEPOINT group_commit"),
      release: db.prepare("RELEASE group_commit"),
      rollbackTo: db.prepare("ROLLBACK TO group_commit"),
    };
  }

  /** Queues `call` into the next batch; settles once its batch is committed. */
  run<R>(call: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ call, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= new Promise<void>((done) => {
        setImmediate(() => {
          this.#scheduled = undefined;
          const batch = this.#pending;
          this.#pending = [];
          this.runBatch(() => this.#commit(batch)).then(done, (error: unknown) => {
            for (const pending of batch) pending.reject(error);
            done();
          });
        });
      });
    });
  }

  /** Waits until every call queued so far has run (close() waits for this). */
  async drain(): Promise<void> {
    while (this.#scheduled) await this.#scheduled;
  }

  #commit(batch: Pending[]): void {
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const only = batch[0]!;
      settle(only, () => this.#execute(only.call));
      return;
    }
    const sql = this.#sql;
    this.#execute(() => sql.begin.run());
    const done: Array<{ pending: Pending; value: unknown }> = [];
    for (let index = 0; index < batch.length; index++) {
      const pending = batch[index]!;
      sql.savepoint.run();
      try {
        done.push({ pending, value: this.#execute(pending.call) });
        sql.release.run();
      } catch (error) {
        if (!this.#db.inTransaction) {
          // SQLite rolled the whole transaction back: nothing before this call remains either.
          pending.reject(error);
          for (const earlier of done) earlier.pending.reject(error);
          done.length = 0;
          // The calls after it run in a batch of their own, as if they had come later.
          this.#commit(batch.slice(index + 1));
          return;
        }
        sql.rollbackTo.run();
        sql.release.run();
        pending.reject(error);
      }
    }
    try {
      this.#execute(() => sql.commit.run());
    } catch (error) {
      if (this.#db.inTransaction) sql.rollback.run();
      for (const { pending } of done) pending.reject(error);
      return;
    }
    for (const { pending, value } of done) pending.resolve(value);
  }
}

function settle(pending: Pending, call: () => unknown): void {
  try {
    pending.resolve(call());
  } catch (error) {
    pending.reject(error);
  }
}
