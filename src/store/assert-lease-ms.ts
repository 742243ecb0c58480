import { ValidationError } from "../spec/errors.js";

/**
 * Throws ValidationError unless `leaseMs` is a positive, finite number of
 * milliseconds: every store's claims (jobs, channel queues) check their lease
 * with it. `hint` says how long a lease should be where it is taken.
 */
export function assertLeaseMs(leaseMs: number, hint: string): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new ValidationError(
      `leaseMs must be a positive number of milliseconds, got ${leaseMs}`,
      [{ path: ["leaseMs"], message: "expected a positive number" }],
      hint,
    );
  }
}
