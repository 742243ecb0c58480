/**
 * Typed errors. Every error Alambique raises on purpose is an `AlambiqueError`:
 * it carries a stable `code` (for programs, one of `error-codes.ts`), an
 * HTTP-style `status` (for the server's error handler and the CLI's exit
 * code), whether retrying can help, and a `hint` that tells a person how to fix it.
 *
 * Test for a class with its `isInstance`, never `instanceof`: `isInstance`
 * works across copies of this module (two installs of the package in one
 * process, bundlers) because it checks a global symbol marker that each class
 * puts on its instances, not the prototype chain.
 */
import { type ErrorCode, errorCodes, isErrorCode } from "./error-codes.js";

export type { ErrorCode } from "./error-codes.js";

/** The marker of the error class `name`: the same symbol in every copy of the module that declares it. */
export function errorMarker(name: string): symbol {
  return Symbol.for(`alambique.error.${name}`);
}

/** Whether `value` carries `marker` (see `errorMarker`). */
export function hasErrorMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

const marker = Symbol.for("alambique.error");

export interface AlambiqueErrorOptions {
  code: ErrorCode;
  /** Default: the code's status in the registry (500 for a code from outside it). */
  status?: number;
  /** Default: true for 429 and 5xx. */
  retryable?: boolean;
  hint?: string;
  cause?: unknown;
}

export class AlambiqueError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(message: string, options: AlambiqueErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status ?? (isErrorCode(options.code) ? errorCodes[options.code].status : 500);
    this.retryable = options.retryable ?? (this.status === 429 || this.status >= 500);
    this.hint = options.hint;
  }

  static isInstance(value: unknown): value is AlambiqueError {
    return hasErrorMarker(value, marker);
  }

  /** The message followed by the hint, as a person should read it. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}

const usageMarker = errorMarker("UsageError");

/** The caller used the program wrongly (unknown flag, missing argument). CLI exit code 2. */
export class UsageError extends AlambiqueError {
  readonly [usageMarker] = true;
  constructor(message: string, hint?: string) {
    super(message, { code: "usage", status: 400, retryable: false, hint });
  }

  static override isInstance(value: unknown): value is UsageError {
    return hasErrorMarker(value, usageMarker);
  }
}

const configMarker = errorMarker("ConfigError");

/** A configuration file or environment variable is invalid. `location` names the file and key path. */
export class ConfigError extends AlambiqueError {
  readonly [configMarker] = true;
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

  static override isInstance(value: unknown): value is ConfigError {
    return hasErrorMarker(value, configMarker);
  }
}

/** Input that does not match its schema. `issues` are zod-style issues with a path. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

const validationMarker = errorMarker("ValidationError");

export class ValidationError extends AlambiqueError {
  readonly [validationMarker] = true;
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[], hint?: string) {
    super(message, { code: "invalid_request", status: 400, retryable: false, hint });
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is ValidationError {
    return hasErrorMarker(value, validationMarker);
  }
}

const notFoundMarker = errorMarker("NotFoundError");

export class NotFoundError extends AlambiqueError {
  readonly [notFoundMarker] = true;
  constructor(what: string, id: string, hint?: string) {
    super(`${what} not found: ${id}`, { code: "not_found", status: 404, retryable: false, hint });
  }

  static override isInstance(value: unknown): value is NotFoundError {
    return hasErrorMarker(value, notFoundMarker);
  }
}

/**
 * Storage failures, normalised across drivers (as Drizzle does): constraint
 * violations get a `kind` a caller can branch on, and the driver's own error is
 * kept as `cause`. Nothing above the store looks at a driver's codes: a full
 * disk, for one, is the kind `full` whatever the driver or file system said.
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
  /** The disk (or the database's size cap) is full: retrying once there is room can succeed. */
  | "full"
  | "unknown";

const storeMarker = errorMarker("StoreError");

/** The status of each kind is its code's (`store_<kind>`) in the registry. */
export class StoreError extends AlambiqueError {
  readonly [storeMarker] = true;
  readonly kind: StoreErrorKind;
  constructor(kind: StoreErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, {
      code: `store_${kind}`,
      retryable: kind === "locked" || kind === "unavailable" || kind === "full",
      hint: options.hint,
      cause: options.cause,
    });
    this.kind = kind;
  }

  static override isInstance(value: unknown): value is StoreError {
    return hasErrorMarker(value, storeMarker);
  }
}
