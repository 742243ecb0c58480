import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import { normalizeSqliteError } from "./normalize-sqlite-error.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-normalize-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `call` throws, as it threw it. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("normalizeSqliteError", () => {
  it("makes SQLite's SQLITE_FULL the kind `full`, keeping the driver's error and code", () => {
    const file = join(dir, "capped.db");
    const db = new Database(file);
    try {
      db.exec("CREATE TABLE t (v TEXT)");
      db.pragma("max_page_count = 3");
      const full = thrown(() => {
        for (let i = 0; i < 100; i++) db.prepare("INSERT INTO t VALUES (?)").run("x".repeat(8192));
      });
      expect(full).toMatchObject({ code: "SQLITE_FULL" });
      const error = normalizeSqliteError(full, { file, busyTimeoutMs: 0 });
      expect(StoreError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        kind: "full",
        code: "store_full",
        status: 507,
        retryable: true,
        cause: full,
      });
      expect((error as StoreError).message).toContain(file);
      expect((error as StoreError).message).toContain("SQLITE_FULL");
      expect((error as StoreError).hint).toMatch(/free space/i);
    } finally {
      db.close();
    }
  });

  it.skipIf(!existsSync("/dev/full"))(
    "makes the file system's ENOSPC the kind `full` too (a write to Linux's /dev/full)",
    () => {
      const enospc = thrown(() => writeFileSync("/dev/full", "x"));
      expect(enospc).toMatchObject({ code: "ENOSPC" });
      const error = normalizeSqliteError(enospc, { file: "/data/alambique.db", busyTimeoutMs: 0 });
      expect(error).toMatchObject({ kind: "full", code: "store_full", status: 507, cause: enospc });
      expect((error as StoreError).message).toMatch(/\/data\/alambique\.db.*disk is full/);
    },
  );

  it("keeps the other kinds, and returns errors that are not SQLite's unchanged", () => {
    const db = new Database(":memory:");
    try {
      db.exec("CREATE TABLE t (v TEXT UNIQUE)");
      db.prepare("INSERT INTO t VALUES ('a')").run();
      const unique = thrown(() => db.prepare("INSERT INTO t VALUES ('a')").run());
      expect(normalizeSqliteError(unique, { file: ":memory:", busyTimeoutMs: 0 })).toMatchObject({
        kind: "unique",
        status: 409,
      });
    } finally {
      db.close();
    }
    const other = new TypeError("bad bind value");
    expect(normalizeSqliteError(other, { file: ":memory:", busyTimeoutMs: 0 })).toBe(other);
    const missing = Object.assign(new Error("no such file"), { code: "ENOENT" });
    expect(normalizeSqliteError(missing, { file: ":memory:", busyTimeoutMs: 0 })).toBe(missing);
  });
});
