import type { CheckResult } from "../doctor-check.js";

/**
 * What pgvector means for a PostgreSQL store, from what the server has
 * (`installed` in this database, `available` to create; versions or null)
 * and ALAMBIQUE_PG_VECTOR (its raw value). The open that follows decides
 * the same way (src/store/postgres/prepare-pgvector.ts). Never fails: the
 * scan works without pgvector; it warns only where pgvector is there but
 * cannot be used (older than 0.5, or a value it does not understand).
 */
export function checkPgvector(
  vector: { installed: string | null; available: string | null },
  setting: string | undefined,
): CheckResult {
  const base = { id: "pgvector", title: "pgvector" } as const;
  const scanCost =
    "vector search scans each agent's sign bits, then re-ranks by exact cosine: linear in the agent's chunks (on 2 cores about 0.3 s a query at 100k chunks, about 11 s at 1M on a busy machine; fine up to ~20k)";
  if (setting !== undefined && setting !== "" && setting !== "auto" && setting !== "off") {
    return {
      ...base,
      status: "warn",
      detail: `ALAMBIQUE_PG_VECTOR is "${setting}": the store will refuse to open`,
      fix: "set ALAMBIQUE_PG_VECTOR to auto (the default) or off",
    };
  }
  const version = vector.installed ?? vector.available;
  if (version === null) {
    return {
      ...base,
      status: "ok",
      detail: `not installed (the fallback): ${scanCost}; past that, install pgvector 0.5+ on the server (Debian: postgresql-15-pgvector from apt.postgresql.org) and its HNSW index is used from the next start`,
    };
  }
  if (setting === "off") {
    return {
      ...base,
      status: "ok",
      detail: `${version} on the server, not used (ALAMBIQUE_PG_VECTOR=off): ${scanCost}`,
    };
  }
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  if (major === 0 && minor < 5) {
    return {
      ...base,
      status: "warn",
      detail: `${version} has no HNSW index, so it is not used: ${scanCost}`,
      fix: "upgrade pgvector to 0.5 or newer (0.8+ for filtered HNSW scans)",
    };
  }
  const used =
    "used: one HNSW index per embedding dimension (up to 2000), agents from 10k chunks searched through it, smaller ones exactly";
  return vector.installed
    ? { ...base, status: "ok", detail: `installed (${vector.installed}), ${used}` }
    : {
        ...base,
        status: "ok",
        detail: `available (${version}), created by the next start and then ${used}; the store's role needs the right to CREATE EXTENSION (else it logs why and scans)`,
      };
}
