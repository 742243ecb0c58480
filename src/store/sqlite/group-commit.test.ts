import { AsyncLocalStorage } from "node:async_hooks";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit.js";

describe("GroupCommit", () => {
  let db: Database.Database;
  let group: GroupCommit;
  let batches: number;

  beforeEach(() => {
    db = new Database(":memory:");
    db.exec("CREATE TABLE t (n INTEGER NOT NULL CHECK (n >= 0))");
    batches = 0;
    group = new GroupCommit(
      db,
      (call) => call(),
      async (batch) => {
        batches++;
        await batch();
      },
    );
  });
  afterEach(() => db.close());

  const insert = (n: number) => () => db.prepare("INSERT INTO t (n) VALUES (?)").run(n).changes;
  const rows = () => db.prepare<[], number>("SELECT n FROM t ORDER BY rowid").pluck().all();

  it("runs the calls of one loop turn in one transaction, in order, settling after the commit", async () => {
    const seen: boolean[] = [];
    const calls = [1, 2, 3].map((n) =>
      group.run(() => {
        seen.push(db.inTransaction);
        return insert(n)();
      }),
    );
    expect(await Promise.all(calls)).toEqual([1, 1, 1]);
    expect(seen).toEqual([true, true, true]);
    expect(batches).toBe(1);
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual([1, 2, 3]);
  });

  it("runs a lone call as it always did, outside any transaction", async () => {
    expect(await group.run(() => db.inTransaction)).toBe(false);
  });

  it("a failing call fails alone: its writes are undone, the others in its batch commit", async () => {
    const results = await Promise.allSettled([
      group.run(insert(1)),
      group.run(() => {
        insert(2)();
        return insert(-1)();
      }),
      group.run(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(rows()).toEqual([1, 3]);
  });

  it("calls made while a batch runs join the next one; drain() waits for both", async () => {
    const first = group.run(() => {
      void group.run(insert(9));
      return insert(1)();
    });
    await first;
    await group.drain();
    expect(rows()).toEqual([1, 9]);
    expect(batches).toBe(2);
  });

  it("a batch the store refuses (closed) rejects every call in it", async () => {
    const refusing = new GroupCommit(
      db,
      (call) => call(),
      async () => {
        throw new Error("closed");
      },
    );
    const results = await Promise.allSettled([refusing.run(insert(1)), refusing.run(insert(2))]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(rows()).toEqual([]);
  });

  describe("transactions", () => {
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

    it("join the calls of the same loop turn: one commit, issue order, each settling after it", async () => {
      const committed: boolean[] = [];
      const body = (n: number) => async () => {
        insert(n)();
        await tick(); // a body may await between its statements; the batch waits for it
        insert(n + 1)();
        return n;
      };
      const settled = [group.transaction(body(1)), group.run(insert(5)), group.transaction(body(7))].map(
        (promise) => promise.then((value) => committed.push(db.inTransaction) && value),
      );
      expect(await Promise.all(settled)).toEqual([1, 1, 7]);
      expect(batches).toBe(1);
      expect(committed).toEqual([false, false, false]);
      expect(rows()).toEqual([1, 2, 5, 7, 8]);
    });

    it("a failing body fails alone: its writes are undone, the rest of its batch commits", async () => {
      const results = await Promise.allSettled([
        group.run(insert(1)),
        group.transaction(async () => {
          insert(2)();
          await tick();
          return insert(-1)();
        }),
        group.transaction(async () => insert(3)()),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(rows()).toEqual([1, 3]);
    });

    it("a lone transaction runs between BEGIN and COMMIT, and is rolled back whole when it fails", async () => {
      expect(await group.transaction(async () => db.inTransaction)).toBe(true);
      const failing = group.transaction(async () => {
        insert(4)();
        throw new Error("the body failed");
      });
      await expect(failing).rejects.toThrow("the body failed");
      expect(db.inTransaction).toBe(false);
      expect(rows()).toEqual([]);
    });

    it("a body runs in its caller's async context, not the batch's", async () => {
      const context = new AsyncLocalStorage<string>();
      const seen = await Promise.all([
        context.run("first", () => group.transaction(async () => context.getStore())),
        context.run("second", () => group.transaction(async () => context.getStore())),
      ]);
      expect(seen).toEqual(["first", "second"]);
    });

    it("when the whole transaction is gone under a call, it and the calls before it reject; the rest commit later", async () => {
      const results = await Promise.allSettled([
        group.run(insert(1)),
        group.transaction(async () => {
          insert(2)();
          db.prepare("ROLLBACK").run(); // as SQLite does itself on SQLITE_FULL
          return "returned anyway";
        }),
        group.run(insert(3)),
      ]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/rolled the transaction back/);
      expect(rows()).toEqual([3]);
      expect(db.inTransaction).toBe(false);
    });
  });
});
