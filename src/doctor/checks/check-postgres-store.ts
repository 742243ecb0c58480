import { AlambiqueError } from "../../spec/errors.js";
import type { CheckResult } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";
import { checkPgvector } from "./check-pgvector.js";

/**
 * A PostgreSQL store: the server (15 or newer), the schema, the extensions
 * the store needs (unaccent, btree_gin) and pgvector, with what each means.
 * Looks only: never creates, migrates or installs anything.
 */
export async function checkPostgresStore(url: string): Promise<CheckResult[]> {
  const base = { id: "store", title: "store" } as const;
  let found: Awaited<
    ReturnType<typeof import("../../store/postgres/inspect-postgres-store.js")["inspectPostgresStore"]>
  >;
  try {
    const { inspectPostgresStore } = await import("../../store/postgres/inspect-postgres-store.js");
    found = await inspectPostgresStore(url);
  } catch (error) {
    const hint = AlambiqueError.isInstance(error) ? error.hint : undefined;
    return [
      { ...base, status: "fail", detail: errorText(error), fix: hint ?? "check DATABASE_URL (store.url)" },
    ];
  }
  const results: CheckResult[] = [];
  const server = `PostgreSQL ${found.serverVersion} (max_connections ${found.maxConnections})`;
  const tooOld = found.serverVersionNumber < 150000;
  const current = found.schemaVersion === found.latestSchemaVersion;
  results.push({
    ...base,
    status: tooOld ? "fail" : current ? "ok" : "warn",
    detail: `${found.where}: ${server}, schema v${found.schemaVersion}${current ? "" : ` (v${found.latestSchemaVersion} is applied by \`alambique migrate\` or the next start)`}`,
    ...(tooOld
      ? { fix: "Alambique needs PostgreSQL 15 or newer: upgrade the server (Debian 12 ships 15)" }
      : current
        ? {}
        : { fix: "run `alambique migrate` (or start Alambique, unless store.migrateOnStart is false)" }),
  });
  const state = (name: string) => found.extensions.find((e) => e.name === name)!;
  const needed = ["unaccent", "btree_gin"].map(state);
  const missing = needed.filter((e) => e.installed === null && e.available === null);
  results.push({
    id: "postgres-extensions",
    title: "text search extensions",
    status: missing.length > 0 ? "fail" : "ok",
    detail: needed
      .map((e) =>
        e.installed
          ? `${e.name} ${e.installed}`
          : e.available
            ? `${e.name} available (created by the first open)`
            : `${e.name} missing`,
      )
      .join(", "),
    ...(missing.length > 0
      ? {
          fix: `install PostgreSQL's contrib modules on the database server (Debian: apt-get install postgresql-contrib); ${missing.map((e) => e.name).join(" and ")} fold accents and index text for search`,
        }
      : {}),
  });
  results.push(checkPgvector(state("vector"), process.env.ALAMBIQUE_PG_VECTOR));
  return results;
}
