/**
 * A dataset's identity: SHA-256 over the canonical JSON of its rows, in
 * order, each followed by a newline, with its split. Canonical JSON sorts
 * object keys (code-unit order) and writes no spaces, so the same rows hash
 * the same whatever produced or re-imported them.
 */
import { createHash } from "node:crypto";
import type { Split, SynthRow } from "../../spec/distill.js";

export function datasetContentHash(rows: readonly { split: Split; row: SynthRow }[]): string {
  const hash = createHash("sha256");
  for (const { split, row } of rows) hash.update(`${canonicalJson({ split, row })}\n`);
  return hash.digest("hex");
}

/** JSON with object keys sorted at every level; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += value[i] === undefined ? "null" : canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units: the same order on every platform.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}
