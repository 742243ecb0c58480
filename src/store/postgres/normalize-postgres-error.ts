/**
 * Turns `pg`'s errors into `StoreError`s with the same kinds SQLite's give
 * (unique, not_null, foreign_key, check, full, locked, unavailable…), the
 * driver error kept as `cause`. Classified by SQLSTATE for server errors and
 * by Node's error code or pg's message for connection and pool errors. Our
 * own errors (`AlambiqueError`s) and programming errors (TypeError) are
 * returned unchanged. Messages name the database by its URL without password.
 */
import { AlambiqueError, StoreError, type StoreErrorKind } from "../../spec/errors.js";
import { isConnectionError } from "./postgres-sql.js";

export interface PostgresErrorContext {
  /** The URL without its password (`redactPostgresUrl`). */
  where: string;
  poolSize: number;
  acquireTimeoutMs: number;
}

interface PgServerError extends Error {
  code: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

export function normalizePostgresError(error: unknown, context: PostgresErrorContext): unknown {
  if (AlambiqueError.isInstance(error) || !(error instanceof Error)) return error;
  if (/timeout exceeded when trying to connect/i.test(error.message)) {
    return new StoreError(
      "unavailable",
      `no connection to ${context.where} was free within ${context.acquireTimeoutMs} ms: all ${context.poolSize} of the pool's connections are busy`,
      {
        hint: "The server is overloaded: retry after a moment. If it lasts, raise the pool size (ALAMBIQUE_PG_POOL_SIZE) and PostgreSQL's max_connections, or add replicas of the database.",
        cause: error,
      },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    const { kind, message, hint } = describe(error as PgServerError, context.where);
    return new StoreError(kind, message, { hint, cause: error });
  }
  if (isConnectionError(error)) {
    return new StoreError("unavailable", `cannot reach PostgreSQL at ${context.where}: ${error.message}`, {
      hint: "Check that the server is running and reachable from here (host, port, firewall), then retry.",
      cause: error,
    });
  }
  return error;
}

interface Description {
  kind: StoreErrorKind;
  message: string;
  hint?: string;
}

function describe(error: PgServerError, where: string): Description {
  const { code } = error;
  const on = error.table ? ` (${error.table}${error.constraint ? `: ${error.constraint}` : ""})` : "";
  switch (code) {
    case "23505":
      return {
        kind: "unique",
        message: `already exists: another row has the same ${error.detail?.match(/Key \((.*?)\)=/)?.[1] ?? "key"}${on}`,
        hint: "Choose a different value, or use the existing row.",
      };
    case "23502":
      return {
        kind: "not_null",
        message: `missing value: ${error.table ? `${error.table}.` : ""}${error.column ?? "a required column"} cannot be empty (null)`,
        hint: "Provide a value for it.",
      };
    case "23503":
      return {
        kind: "foreign_key",
        message: `a referenced row does not exist (wrong or removed tenant, agent or conversation id)${on}`,
        hint: "Check the ids you passed; create the tenant, agent or conversation first.",
      };
    case "23514":
    case "23P01":
    case "22001":
    case "22003":
    case "22007":
    case "22008":
    case "22P02":
    case "22021":
    case "22P05":
      return {
        kind: "check",
        message: `value not allowed: ${error.message}${on}`,
        hint: "Pass a value the contract allows (see src/spec/store.ts).",
      };
    case "53100":
      return {
        kind: "full",
        message: `cannot write ${where}: ${error.message}`,
        hint: "Free space on the database server's disk (or raise the database's size cap), then retry: what was written before is kept.",
      };
    case "40001":
    case "40P01":
    case "55P03":
      return {
        kind: "locked",
        message: `${where}: ${error.message} (another transaction held the rows)`,
        hint: "Retry: another writer held the same rows.",
      };
    case "3D000":
      return {
        kind: "unavailable",
        message: `${where}: ${error.message}`,
        hint: "Create the database first (createdb NAME, or CREATE DATABASE), or fix its name in DATABASE_URL.",
      };
    case "28P01":
    case "28000":
      return {
        kind: "unavailable",
        message: `${where}: ${error.message}`,
        hint: "Check the user and password in DATABASE_URL, and pg_hba.conf on the server.",
      };
    case "42501":
      return {
        kind: "unavailable",
        message: `${where}: ${error.message}`,
        hint: "The database user lacks a privilege Alambique needs: let it own the database (ALTER DATABASE … OWNER TO …), or run the migrations once as the owner.",
      };
    case "XX001":
    case "XX002":
      return { kind: "corrupt", message: `${where} is corrupt: ${error.message}`, hint: "Restore a backup." };
  }
  if (code.startsWith("08") || code.startsWith("57P") || code.startsWith("53")) {
    return {
      kind: "unavailable",
      message: `PostgreSQL at ${where} is unavailable: ${error.message}`,
      hint: "Retry after a moment; check the server's log if it lasts.",
    };
  }
  if (code.startsWith("23")) return { kind: "check", message: `constraint failed: ${error.message}${on}` };
  return { kind: "unknown", message: `PostgreSQL error on ${where}: ${error.message} (${code})` };
}
