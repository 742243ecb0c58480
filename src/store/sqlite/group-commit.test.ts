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
        batch();
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
});
