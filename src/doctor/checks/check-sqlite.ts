import type { CheckResult } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

const rebuild = "run `npm rebuild better-sqlite3` (it builds with python3, make and a C++ compiler)";

/** better-sqlite3 loads, has FTS5 (BM25 search), and sqlite-vec loads into it (vector search). */
export async function checkSqlite(): Promise<CheckResult[]> {
  let Database: typeof import("better-sqlite3");
  try {
    Database = (await import("better-sqlite3")).default;
  } catch (error) {
    return [
      {
        id: "better-sqlite3",
        title: "better-sqlite3",
        status: "fail",
        detail: errorText(error),
        fix: rebuild,
      },
    ];
  }
  const db = new Database(":memory:");
  try {
    const version = (db.prepare("select sqlite_version() as v").get() as { v: string }).v;
    const options = (db.pragma("compile_options") as { compile_options: string }[]).map(
      (o) => o.compile_options,
    );
    const fts5 = options.includes("ENABLE_FTS5");
    const results: CheckResult[] = [
      {
        id: "better-sqlite3",
        title: "better-sqlite3",
        status: fts5 ? "ok" : "fail",
        detail: `SQLite ${version}${fts5 ? ", FTS5" : ", FTS5 missing"}`,
        ...(fts5 ? {} : { fix: rebuild }),
      },
    ];
    try {
      const sqliteVec = await import("sqlite-vec");
      sqliteVec.load(db);
      const vec = (db.prepare("select vec_version() as v").get() as { v: string }).v;
      results.push({ id: "sqlite-vec", title: "sqlite-vec", status: "ok", detail: vec });
    } catch (error) {
      results.push({
        id: "sqlite-vec",
        title: "sqlite-vec",
        status: "fail",
        detail: errorText(error),
        fix: `reinstall with \`npm install\`; sqlite-vec ships a binary for ${process.platform}-${process.arch} as an optional dependency`,
      });
    }
    return results;
  } finally {
    db.close();
  }
}
