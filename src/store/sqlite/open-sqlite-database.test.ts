import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { latestSchemaVersion, migrations } from "./migrations.js";
import { openSqliteDatabase, sqlitePageCacheKiB } from "./open-sqlite-database.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-open-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openSqliteDatabase", () => {
  it("creates the folder and sets WAL, foreign keys, FULL sync and the busy timeout", () => {
    const file = join(dir, "nested", "deeper", "a.db");
    const { db, journalMode, applied } = openSqliteDatabase(file, { busyTimeoutMs: 1234 });
    try {
      expect(journalMode).toBe("wal");
      expect(applied.map((m) => m.version)).toEqual(migrations.map((m) => m.version));
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("synchronous", { simple: true })).toBe(2);
      expect(db.pragma("busy_timeout", { simple: true })).toBe(1234);
      // The page cache's cap is ours, not the driver build's; no database pages are mmapped.
      expect(db.pragma("cache_size", { simple: true })).toBe(-sqlitePageCacheKiB);
      expect(db.pragma("mmap_size", { simple: true })).toBe(0);
    } finally {
      db.close();
    }
  });

  it("has FTS5 and sqlite-vec", () => {
    const { db } = openSqliteDatabase(":memory:", { busyTimeoutMs: 100 });
    try {
      db.exec("CREATE VIRTUAL TABLE docs USING fts5(body)");
      db.prepare("INSERT INTO docs (body) VALUES (?)").run("pan de masa madre recién horneado");
      db.prepare("INSERT INTO docs (body) VALUES (?)").run("horario de apertura");
      expect(
        db.prepare("SELECT body FROM docs WHERE docs MATCH 'masa' ORDER BY bm25(docs)").pluck().all(),
      ).toEqual(["pan de masa madre recién horneado"]);
      expect(db.prepare("SELECT vec_version()").pluck().get()).toMatch(/^v0\./);
      db.exec("CREATE VIRTUAL TABLE vectors USING vec0(embedding float[3])");
      const insert = db.prepare("INSERT INTO vectors (rowid, embedding) VALUES (?, ?)");
      insert.run(1n, new Float32Array([1, 0, 0]));
      insert.run(2n, new Float32Array([0, 1, 0]));
      const nearest = db
        .prepare("SELECT rowid FROM vectors WHERE embedding MATCH ? ORDER BY distance LIMIT 1")
        .pluck()
        .get(new Float32Array([0.1, 0.9, 0]));
      expect(nearest).toBe(2);
    } finally {
      db.close();
    }
  });

  it("records each migration once, in schema_migrations and user_version", () => {
    const file = join(dir, "migrated.db");
    openSqliteDatabase(file, { busyTimeoutMs: 100 }).db.close();
    const read = () => {
      const raw = new Database(file, { readonly: true });
      try {
        return {
          rows: raw.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all(),
          userVersion: raw.pragma("user_version", { simple: true }),
        };
      } finally {
        raw.close();
      }
    };
    const first = read();
    expect(first.userVersion).toBe(latestSchemaVersion);
    expect(first.rows).toEqual(
      migrations.map((m) => ({ version: m.version, name: m.name, applied_at: expect.any(String) })),
    );
    const reopened = openSqliteDatabase(file, { busyTimeoutMs: 100 });
    reopened.db.close();
    expect(reopened.applied).toEqual([]);
    expect(read()).toEqual(first);
  });

  it("numbers migrations 1, 2, 3… with unique names", () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    expect(latestSchemaVersion).toBe(migrations.length);
  });
});
