/**
 * What `store copy` between SQLite and PostgreSQL moves, in either direction,
 * decided before anything is written: the tables both stores have (their
 * shared columns, in an order that inserts parents before children, from
 * PostgreSQL's foreign keys), and refusals for data the destination has no
 * place for (a table or a column only the source has, holding rows) —
 * nothing is dropped silently. Column kinds come from PostgreSQL's declared
 * types either way (SQLite's are loose), so both directions compare rows the
 * same way (copy-checksum.ts).
 *
 * The knowledge index is not copied table by table: its tables differ between
 * the engines (FTS5 and sqlite-vec against tsvector, document frequencies and
 * sign bits), so chunks and vectors are re-indexed on the way in
 * (copy-knowledge.ts, copy-knowledge-to-sqlite.ts) and compared by what they
 * hold, ids included.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { AlambiqueError } from "../../spec/errors.js";
import type { ColumnKind } from "../copy-checksum.js";

export interface CopiedColumn {
  name: string;
  kind: ColumnKind;
  /** PostgreSQL's type name (information_schema's data_type). */
  type: string;
}

export interface CopiedTable {
  name: string;
  columns: CopiedColumn[];
  /** Columns written after every table is in (a dataset's freeze forbids adding its rows). */
  deferred: string[];
}

/** Which way a copy goes; the source's rows decide what must have a place in the destination. */
export type CopyDirection = "sqlite-to-postgres" | "postgres-to-sqlite";

/** Derived or bookkeeping tables: rebuilt by the destination, never copied. */
const sqliteDerived =
  /^(sqlite_|schema_migrations$|chunks_fts|knowledge_bits_|knowledge_centroids_|knowledge_cells$)/;
/**
 * Besides bookkeeping, the state PostgreSQL shares between replicas and a
 * SQLite server keeps in its one process (rate buckets, in-flight budget
 * holds, the day's feedback marks): short-lived, not copied back.
 */
const postgresDerived = new Set([
  "alambique_migrations",
  "knowledge_terms",
  "rate_buckets",
  "budget_holds",
  "feedback_marks",
]);
/** Copied by the knowledge phase. */
export const knowledgeTables = new Set(["knowledge_indexes", "chunks", "chunk_vectors"]);
const deferredColumns: Record<string, string[]> = { datasets: ["frozen_at"] };
/** SQLite's own bookkeeping columns: its chunk key ranges (migration 10), meaningless to PostgreSQL. */
const sqliteDerivedColumns: Record<string, string[]> = { knowledge_sources: ["key_first", "key_last"] };

/**
 * The plan; `postgres` is read in the caller's transaction (the copy's
 * snapshot when it is the source). Throws `copy_mismatch` listing every
 * source table or column with rows and no place in the destination.
 */
export async function planCopy(
  sqlite: Database.Database,
  postgres: pg.ClientBase,
  direction: CopyDirection = "sqlite-to-postgres",
): Promise<CopiedTable[]> {
  const columns = await postgresColumns(postgres);
  const sqliteTables = new Map<string, string[]>();
  for (const table of sqlite
    .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all()) {
    if (sqliteDerived.test(table) || knowledgeTables.has(table)) continue;
    const names = sqlite.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
    sqliteTables.set(table, names);
  }
  const toPostgres = direction === "sqlite-to-postgres";
  const count = async (table: string, where = "TRUE"): Promise<number> => {
    if (toPostgres) {
      const sqliteWhere = where === "TRUE" ? "1" : where;
      return Number(sqlite.prepare(`SELECT count(*) FROM "${table}" WHERE ${sqliteWhere}`).pluck().get());
    }
    const { rows } = await postgres.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`,
    );
    return rows[0]!.n;
  };
  const sourceTables = toPostgres
    ? [...sqliteTables.keys()]
    : [...columns.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const refusals: string[] = [];
  const plan: CopiedTable[] = [];
  for (const table of sourceTables) {
    const target = columns.get(table);
    const local = sqliteTables.get(table);
    if (!target || !local) {
      const rows = await count(table);
      if (rows > 0) refusals.push(`table ${table} (${rows} rows) has no place in the destination`);
      continue;
    }
    const sourceColumns = toPostgres ? local : [...target.keys()];
    const placed = new Set(toPostgres ? target.keys() : local);
    for (const column of sourceColumns) {
      if (placed.has(column) || sqliteDerivedColumns[table]?.includes(column)) continue;
      if ((await count(table, `"${column}" IS NOT NULL`)) > 0)
        refusals.push(`column ${table}.${column} has values and no place in the destination`);
    }
    plan.push({
      name: table,
      columns: local.filter((name) => target.has(name)).map((name) => target.get(name)!),
      deferred: deferredColumns[table] ?? [],
    });
  }
  if (refusals.length > 0) {
    throw new AlambiqueError(`the destination cannot hold everything in the source: ${refusals.join("; ")}`, {
      code: "copy_mismatch",
      status: 500,
      retryable: false,
      hint: "Upgrade Alambique where the destination was migrated (its schema lacks what the source has), then copy again.",
    });
  }
  return orderByForeignKeys(plan, await foreignKeys(postgres));
}

/** Each table's copyable columns (not identity or generated) and their kinds. */
async function postgresColumns(client: pg.ClientBase): Promise<Map<string, Map<string, CopiedColumn>>> {
  // format_type, not information_schema's data_type: it names arrays and domains as SQL accepts them.
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
       AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''`,
  );
  const tables = new Map<string, Map<string, CopiedColumn>>();
  for (const row of rows) {
    if (postgresDerived.has(row.table_name) || knowledgeTables.has(row.table_name)) continue;
    const table = tables.get(row.table_name) ?? new Map<string, CopiedColumn>();
    table.set(row.column_name, { name: row.column_name, kind: kindOf(row.data_type), type: row.data_type });
    tables.set(row.table_name, table);
  }
  return tables;
}

export function kindOf(dataType: string): ColumnKind {
  if (dataType === "json" || dataType === "jsonb") return "json";
  if (dataType.startsWith("timestamp")) return "timestamp";
  if (dataType === "boolean") return "boolean";
  if (dataType === "bytea") return "bytes";
  if (/^(integer|bigint|smallint|real|double precision|numeric)$/.test(dataType)) return "number";
  return "text";
}

async function foreignKeys(client: pg.ClientBase): Promise<{ child: string; parent: string }[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
     WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`,
  );
  return rows.map((r) => ({ child: r.child.replace(/"/g, ""), parent: r.parent.replace(/"/g, "") }));
}

/** Parents first; tables in no relation keep their (alphabetical) order. */
function orderByForeignKeys(plan: CopiedTable[], keys: { child: string; parent: string }[]): CopiedTable[] {
  const ordered: CopiedTable[] = [];
  const placed = new Set<string>();
  const visit = (table: CopiedTable, path: Set<string>) => {
    if (placed.has(table.name) || path.has(table.name)) return;
    path.add(table.name);
    for (const { parent } of keys.filter((k) => k.child === table.name && k.parent !== table.name)) {
      const found = plan.find((t) => t.name === parent);
      if (found) visit(found, path);
    }
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of plan) visit(table, new Set());
  return ordered;
}
