import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { percentile } from "./stats.js";

/**
 * What one durable commit blocks the JS thread for on the disk under `dir`
 * (default: the temporary folder, where the benches' databases live): `count`
 * autocommitted inserts of a 2 KB row (about a turn's writes) into a WAL
 * database, with `synchronous = FULL` (the store's setting: fsync of the WAL
 * in every COMMIT, on the calling thread) and `NORMAL` (no fsync), in ms.
 * better-sqlite3 is synchronous, so this is time the event loop stands still.
 */
export function commitCost(
  count = 300,
  dir = tmpdir(),
): Record<"full" | "normal", { p50: number; p99: number }> {
  const folder = mkdtempSync(join(dir, "alq-commit-cost-"));
  try {
    const measure = (synchronous: "FULL" | "NORMAL") => {
      const db = new Database(join(folder, `${synchronous}.db`));
      try {
        db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${synchronous}`);
        db.exec("CREATE TABLE t (a TEXT)");
        const insert = db.prepare("INSERT INTO t VALUES (?)");
        const row = "x".repeat(2000);
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          insert.run(row);
          times.push(performance.now() - t0);
        }
        return { p50: percentile(times, 50), p99: percentile(times, 99) };
      } finally {
        db.close();
      }
    };
    return { full: measure("FULL"), normal: measure("NORMAL") };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
