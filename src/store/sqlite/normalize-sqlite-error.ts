/**
 * Turns better-sqlite3's `SqliteError` into a `StoreError` whose `kind` a
 * caller can branch on, keeping the driver error as `cause`; so does a file
 * system error that says the disk is full (ENOSPC, kind `full`, as SQLite's
 * SQLITE_FULL). Other errors (a `TypeError` for a bad bind value, our own
 * errors) are returned unchanged.
 */
import Database from "better-sqlite3";
import { StoreError, type StoreErrorKind } from "../../spec/errors.js";

export interface SqliteErrorContext {
  /** The database file, as the user named it, or `:memory:`. */
  file: string;
  busyTimeoutMs: number;
}

export function normalizeSqliteError(error: unknown, context: SqliteErrorContext): unknown {
  if (isNoSpace(error)) {
    return new StoreError("full", `cannot write ${context.file}: the disk is full (${error.message})`, {
      hint: fullHint(context.file),
      cause: error,
    });
  }
  if (!(error instanceof Database.SqliteError)) return error;
  const { kind, message, hint } = describe(error.code, error.message, context);
  return new StoreError(kind, message, { hint, cause: error });
}

interface Description {
  kind: StoreErrorKind;
  message: string;
  hint?: string;
}

function describe(
  code: string,
  driverMessage: string,
  { file, busyTimeoutMs }: SqliteErrorContext,
): Description {
  // The driver names the columns after the colon: "UNIQUE constraint failed: tenants.slug".
  const detail = driverMessage.includes(": ") ? driverMessage.slice(driverMessage.indexOf(": ") + 2) : "";
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return {
      kind: "unique",
      message: `already exists: another row has the same ${detail || "key"}`,
      hint: "Choose a different value, or use the existing row.",
    };
  }
  if (code === "SQLITE_CONSTRAINT_NOTNULL") {
    return {
      kind: "not_null",
      message: `missing value: ${detail || "a required column"} cannot be empty (null)`,
      hint: "Provide a value for it.",
    };
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return {
      kind: "foreign_key",
      message: "a referenced row does not exist (wrong or removed tenant, agent or conversation id)",
      hint: "Check the ids you passed; create the tenant, agent or conversation first.",
    };
  }
  if (code === "SQLITE_CONSTRAINT_CHECK" || code === "SQLITE_CONSTRAINT_DATATYPE") {
    return {
      kind: "check",
      message: `value not allowed: ${detail || driverMessage}`,
      hint: "Pass a value the contract allows (see src/spec/store.ts).",
    };
  }
  if (code.startsWith("SQLITE_CONSTRAINT")) {
    return { kind: "check", message: `constraint failed: ${driverMessage}` };
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return {
      kind: "locked",
      message: `${file} is locked: another connection held its write lock for longer than the busy timeout (${busyTimeoutMs} ms)`,
      hint: `Another process (a second \`alambique serve\`, a worker, a sqlite3 shell) is writing to ${file}. Retry, stop that process, or raise the busy timeout.`,
    };
  }
  if (code === "SQLITE_NOTADB") {
    return {
      kind: "not_a_database",
      message: `${file} is not a SQLite database`,
      hint: `Point Alambique at another file (--data DIR or DATABASE_URL), or move ${file} away.`,
    };
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return {
      kind: "corrupt",
      message: `${file} is corrupt: ${driverMessage}`,
      hint: `Stop Alambique, keep a copy of ${file}, then restore a backup or try \`sqlite3 ${file} .recover\`.`,
    };
  }
  if (code === "SQLITE_FULL") {
    return {
      kind: "full",
      message: `cannot write ${file}: ${driverMessage} (${code})`,
      hint: fullHint(file),
    };
  }
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_IOERR") ||
    code === "SQLITE_PERM"
  ) {
    return {
      kind: "unavailable",
      message: `cannot use ${file}: ${driverMessage} (${code})`,
      hint: `Check that ${file} and its folder exist, are writable by this user, and that the disk is not full.`,
    };
  }
  return { kind: "unknown", message: `SQLite error on ${file}: ${driverMessage} (${code})` };
}

/** A Node file system error for a full disk (better-sqlite3's own errors carry SQLite's codes instead). */
function isNoSpace(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ENOSPC";
}

function fullHint(file: string): string {
  return `Free space on the disk that holds ${file} (or raise the database's size cap), then retry: what was written before is kept.`;
}
