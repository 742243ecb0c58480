/**
 * Whether a failed write failed because the disk (or the database's size
 * cap) is full: SQLite's SQLITE_FULL, or ENOSPC from the file system,
 * anywhere in the error's `cause` chain (the store keeps the driver's error
 * as `cause`).
 */
export function isDiskFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (e.code === "SQLITE_FULL" || e.code === "ENOSPC") return true;
    if (typeof e.message === "string" && /SQLITE_FULL|database or disk is full|ENOSPC/.test(e.message))
      return true;
    current = e.cause;
  }
  return false;
}
