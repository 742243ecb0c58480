import { closeSync, openSync, readSync, writeSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Test fixture: damages a SQLite file the way a bad disk or a torn copy
 * can, in a way SQLite's quick check does not see: one byte of a key in a
 * leaf page of `index` (`sqlite_autoindex_tenants_2`: the tenants' slugs)
 * becomes `replacement`, so the index no longer matches its table. The page
 * stays well formed. Throws when the index has no leaf page holding `needle`.
 */
export function corruptIndexPage(
  file: string,
  options: { index?: string; needle?: string; replacement?: string } = {},
): { page: number } {
  const index = options.index ?? "sqlite_autoindex_tenants_2";
  const needle = Buffer.from(options.needle ?? "shop-1", "latin1");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let pageSize: number;
  let leaves: number[];
  try {
    pageSize = db.pragma("page_size", { simple: true }) as number;
    leaves = db
      .prepare<[string], number>(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
      )
      .pluck()
      .all(index);
  } finally {
    db.close();
  }
  const fd = openSync(file, "r+");
  try {
    for (const page of leaves) {
      const buffer = Buffer.alloc(pageSize);
      readSync(fd, buffer, 0, pageSize, (page - 1) * pageSize);
      const at = buffer.indexOf(needle);
      if (at < 0) continue;
      buffer.write(options.replacement ?? "9", at + needle.length - 1, "latin1");
      writeSync(fd, buffer, 0, pageSize, (page - 1) * pageSize);
      return { page };
    }
  } finally {
    closeSync(fd);
  }
  throw new Error(`no leaf page of ${index} holds "${needle.toString("latin1")}"`);
}
