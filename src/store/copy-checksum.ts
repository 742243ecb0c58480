/**
 * Per-table checksums that two stores of different engines agree on: each row
 * is first put in one canonical form (timestamps as ISO instants, JSON parsed
 * and its keys sorted, booleans as booleans, bytes as hex), hashed with
 * SHA-256, and the first 64 bits of the row hashes are summed (mod 2^64), so
 * the checksum does not depend on the order rows are read in. Two tables with
 * the same rows have the same count and checksum; a row lost, added or
 * changed in any column changes it (but for a 2^-64 chance).
 */
import { createHash } from "node:crypto";

/** How a column's values are compared: its type as the destination declares it. */
export type ColumnKind = "text" | "number" | "boolean" | "timestamp" | "json" | "bytes";

export interface TableSum {
  rows: number;
  /** 16 hex digits. */
  checksum: string;
}

export class TableChecksum {
  #rows = 0;
  #sum = 0n;
  /** Row hashes and how often each was seen, when `keepHashes` (to test one table's rows are in another's). */
  readonly hashes: Map<bigint, number> | undefined;

  constructor(
    private readonly columns: readonly { name: string; kind: ColumnKind }[],
    keepHashes = false,
  ) {
    this.hashes = keepHashes ? new Map() : undefined;
  }

  /** Adds one row (as either driver returned it); returns its hash. */
  add(row: Record<string, unknown>): bigint {
    const canonical = this.columns.map(({ name, kind }) => canonicalValue(row[name], kind));
    const hash = createHash("sha256").update(JSON.stringify(canonical)).digest().readBigUInt64BE(0);
    this.#rows += 1;
    this.#sum = (this.#sum + hash) & 0xffffffffffffffffn;
    if (this.hashes) this.hashes.set(hash, (this.hashes.get(hash) ?? 0) + 1);
    return hash;
  }

  get sum(): TableSum {
    return { rows: this.#rows, checksum: this.#sum.toString(16).padStart(16, "0") };
  }
}

/** How many of `source`'s rows are missing from `destination` (both kept hashes). */
export function missingRows(source: TableChecksum, destination: TableChecksum): number {
  let missing = 0;
  for (const [hash, count] of source.hashes ?? []) {
    missing += Math.max(0, count - (destination.hashes?.get(hash) ?? 0));
  }
  return missing;
}

export function canonicalValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "timestamp": {
      const time = value instanceof Date ? value.getTime() : Date.parse(String(value));
      return Number.isNaN(time) ? String(value) : new Date(time).toISOString();
    }
    case "boolean":
      return typeof value === "boolean" ? value : Number(value) !== 0;
    case "number":
      return Number(value);
    case "json":
      return sortKeys(typeof value === "string" ? JSON.parse(value) : value);
    case "bytes":
      return Buffer.isBuffer(value) ? value.toString("hex") : String(value);
    default:
      return String(value);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
