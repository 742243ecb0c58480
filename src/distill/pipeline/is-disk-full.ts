import { StoreError } from "../../spec/errors.js";

/**
 * Whether a failed write failed because the disk is full. The store says so
 * with `StoreError` kind `full`, whatever its driver reported (SQLite's
 * SQLITE_FULL, a size cap, ENOSPC); a runner's own file writes (a trainer's
 * checkpoints) fail with the file system's ENOSPC, as an error's `code` or,
 * from a child process, in its message. Looks through the `cause` chain, for
 * an error wrapped by a step.
 */
export function isDiskFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === "object"; depth++) {
    if (StoreError.isInstance(current)) return current.kind === "full";
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === "ENOSPC" || (typeof message === "string" && /\bENOSPC\b/.test(message))) return true;
    current = cause;
  }
  return false;
}
