/**
 * Typed errors. Every error Alambique raises on purpose is an `AlambiqueError`:
 * it carries a stable `code` (for programs), an HTTP-style `status` (for the
 * server's error handler and the CLI's exit code), whether retrying can help,
 * and a `hint` that tells a person how to fix it.
 *
 * `isInstance` works across copies of this module (two installs in one process,
 * bundlers) because it checks a global symbol marker, not the prototype chain.
 */
const marker = Symbol.for("alambique.error");

export interface AlambiqueErrorOptions {
  code: string;
  status?: number;
  retryable?: boolean;
  hint?: string;
  cause?: unknown;
}

export class AlambiqueError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(message: string, options: AlambiqueErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? (this.status === 429 || this.status >= 500);
    this.hint = options.hint;
  }

  static isInstance(value: unknown): value is AlambiqueError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** The message followed by the hint, as a person should read it. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}

/** The caller used the program wrongly (unknown flag, missing argument). CLI exit code 2. */
export class UsageError extends AlambiqueError {
  constructor(message: string, hint?: string) {
    super(message, { code: "usage", status: 400, retryable: false, hint });
  }
}

/** A configuration file or environment variable is invalid. `location` names the file and key path. */
export class ConfigError extends AlambiqueError {
  readonly location: string;
  constructor(message: string, options: { location: string; hint?: string; cause?: unknown }) {
    super(`${options.location}: ${message}`, {
      code: "config_invalid",
      status: 400,
      retryable: false,
      hint: options.hint,
      cause: options.cause,
    });
    this.location = options.location;
  }
}

/** Input that does not match its schema. `issues` are zod-style issues with a path. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

export class ValidationError extends AlambiqueError {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[], hint?: string) {
    super(message, { code: "invalid_request", status: 400, retryable: false, hint });
    this.issues = issues;
  }
}

export class NotFoundError extends AlambiqueError {
  constructor(what: string, id: string, hint?: string) {
    super(`${what} not found: ${id}`, { code: "not_found", status: 404, retryable: false, hint });
  }
}

/**
 * Storage failures, normalised across drivers (as Drizzle does): constraint
 * violations get a `kind` a caller can branch on, and the driver's own error is
 * kept as `cause`.
 */
export type StoreErrorKind =
  | "unique"
  | "not_null"
  | "foreign_key"
  | "check"
  | "locked"
  | "not_a_database"
  | "newer_schema"
  | "corrupt"
  | "unavailable"
  | "unknown";

const storeStatus: Record<StoreErrorKind, number> = {
  unique: 409,
  not_null: 400,
  foreign_key: 409,
  check: 400,
  locked: 503,
  not_a_database: 500,
  newer_schema: 500,
  corrupt: 500,
  unavailable: 503,
  unknown: 500,
};

export class StoreError extends AlambiqueError {
  readonly kind: StoreErrorKind;
  constructor(kind: StoreErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, {
      code: `store_${kind}`,
      status: storeStatus[kind],
      retryable: kind === "locked" || kind === "unavailable",
      hint: options.hint,
      cause: options.cause,
    });
    this.kind = kind;
  }
}
