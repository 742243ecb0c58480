import { ValidationError } from "../spec/errors.js";

/** The hint a job claim or heartbeat gives with a bad lease (SQLite and PostgreSQL alike). */
export const JOB_LEASE_HINT =
  "Lease a job for longer than the worker needs between two heartbeats, e.g. 30000.";
/** The hint a channel queue claim gives with a bad lease (SQLite and PostgreSQL alike). */
export const CHANNEL_LEASE_HINT = "A lease is how long a worker holds what it claimed, e.g. 60000.";

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
