import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "../../spec/errors.js";

interface Pending {
  /** A repository call (synchronous), or a `store.transaction`'s body (`async`: awaited inside the batch). */
  call: () => unknown;
  async: boolean;
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
 * `store.transaction(fn)` joins the batch too (`transaction`): its body runs
 * in its own SAVEPOINT, awaited in issue order while the batch holds the
 * store, and settles after the batch's COMMIT. A retrieval-mode turn of a new
 * customer made two transactions (find-or-create the conversation; the
 * customer's message with the answer), each with its own BEGIN, COMMIT and
 * fsync: concurrent turns now share them. A lone transaction runs as it did,
 * between BEGIN IMMEDIATE and COMMIT.
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
    readonly runBatch: (batch: () => void | Promise<void>) => Promise<void>,
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
    return this.#queue(call, false);
  }

  /**
   * Queues a transaction's body into the next batch, run (in the caller's
   * async context) once every call queued before it has run; settles with its
   * result once the batch is committed. When it throws, its writes are rolled
   * back and it rejects alone.
   */
  transaction<R>(body: () => Promise<R>): Promise<R> {
    // The body must run in the caller's async context (its AsyncLocalStorage stores), not the batch's. A
    // promise reaction runs in the context it was registered in, so the body is chained here and released
    // when its turn comes. (`AsyncResource.bind` did the same at ~10 µs a call: a resource, its async hooks
    // and a deprecation wrapper, once per transaction on the hot path.)
    let start!: () => void;
    const run = new Promise<void>((resolve) => {
      start = resolve;
    }).then(body);
    return this.#queue(() => {
      start();
      return run;
    }, true);
  }

  #queue<R>(call: () => unknown, async: boolean): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ call, async, resolve: resolve as (value: unknown) => void, reject });
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

  /** Runs `batch`: synchronously, unless it holds a transaction's body (then it awaits each in turn). */
  #commit(batch: Pending[]): void | Promise<void> {
    if (batch.length === 0) return;
    if (batch.length === 1 && !batch[0]!.async) {
      const only = batch[0]!;
      settle(only, () => this.#execute(only.call));
      return;
    }
    const sql = this.#sql;
    this.#execute(() => sql.begin.run());
    // A lone transaction body needs no SAVEPOINT: when it fails, the whole transaction is rolled back.
    const alone = batch.length === 1;
    const done: Array<{ pending: Pending; value: unknown }> = [];
    /** After a call returned: its SAVEPOINT released; throws when SQLite rolled everything back meanwhile. */
    const ran = (pending: Pending, value: unknown) => {
      if (!this.#db.inTransaction) throw rolledBack();
      if (!alone) sql.release.run();
      done.push({ pending, value });
    };
    /** After a call threw: its writes undone. Returns what runs the rest of the batch, or undefined to go on. */
    const failed = (pending: Pending, index: number, error: unknown) => {
      pending.reject(error);
      if (!this.#db.inTransaction) {
        // SQLite rolled the whole transaction back: nothing before this call remains either.
        for (const earlier of done) earlier.pending.reject(error);
        // The calls after it run in a batch of their own, as if they had come later.
        return () => this.#commit(batch.slice(index + 1));
      }
      if (alone) return () => void sql.rollback.run();
      sql.rollbackTo.run();
      sql.release.run();
      return undefined;
    };
    const runFrom = (start: number): void | Promise<void> => {
      for (let index = start; index < batch.length; index++) {
        const pending = batch[index]!;
        if (!alone) sql.savepoint.run();
        if (pending.async)
          return this.#awaitBody(
            pending,
            ran,
            (error) => failed(pending, index, error) ?? (() => runFrom(index + 1)),
            () => runFrom(index + 1),
          );
        try {
          ran(pending, this.#execute(pending.call));
        } catch (error) {
          const rest = failed(pending, index, error);
          if (rest) return rest();
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
    };
    return runFrom(0);
  }

  /** Awaits a transaction's body, then runs what comes next: the rest of the batch, or what `failed` says. */
  async #awaitBody(
    pending: Pending,
    ran: (pending: Pending, value: unknown) => void,
    failed: (error: unknown) => () => void | Promise<void>,
    next: () => void | Promise<void>,
  ): Promise<void> {
    try {
      ran(pending, await pending.call());
    } catch (error) {
      return failed(error)();
    }
    return next();
  }
}

/** A call that returned although SQLite had rolled its transaction back (it caught the error itself). */
function rolledBack(): StoreError {
  return new StoreError("unknown", "SQLite rolled the transaction back while a call ran", {
    hint: "Let a repository call's error reach the store instead of catching it inside store.transaction().",
  });
}

function settle(pending: Pending, call: () => unknown): void {
  try {
    pending.resolve(call());
  } catch (error) {
    pending.reject(error);
  }
}
