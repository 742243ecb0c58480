/**
 * `alambique store copy --from postgres://… --to sqlite:…`: the way back
 * (or one business's local backup), with the guarantees of the way there
 * (copy-sqlite-to-postgres.ts): the source read in one REPEATABLE READ, READ
 * ONLY transaction (one snapshot, writes made meanwhile not copied), the
 * destination written in one SQLite transaction, and every table's row count
 * and checksum compared before it commits; a mismatch rolls it all back.
 *
 * The destination file is created and migrated when missing and must hold no
 * rows unless `force` (then the copy adds to it and checks that every source
 * row arrived). Foreign keys are checked at commit (`defer_foreign_keys`),
 * so tables may go in in any order; a dataset's freeze still comes last.
 * The source must be at this version's schema, and is only read.
 */
import type Database from "better-sqlite3";
import pg from "pg";
import { AlambiqueError } from "../../spec/errors.js";
import {
  assertDestinationEmpty,
  type CopyReport,
  type CopyTableReport,
  compareTable,
} from "../copy/copy-report.js";
import type { TableChecksum } from "../copy-checksum.js";
import { readSchemaStatus } from "../schema-status.js";
import { normalizeSqliteError } from "../sqlite/normalize-sqlite-error.js";
import { openSqliteDatabase } from "../sqlite/open-sqlite-database.js";
import { defaultBusyTimeoutMs } from "../sqlite/sqlite-store.js";
import { knowledgeViews } from "./copy-knowledge.js";
import { copyKnowledgeToSqlite } from "./copy-knowledge-to-sqlite.js";
import { planCopy } from "./copy-plan.js";
import { copyTableToSqlite, sqliteSum } from "./copy-table-to-sqlite.js";
import { normalizePostgresError } from "./normalize-postgres-error.js";
import { redactPostgresUrl } from "./postgres-url.js";

export async function copyPostgresToSqlite(options: {
  postgresUrl: string;
  sqliteFile: string;
  force?: boolean;
}): Promise<CopyReport> {
  const from = redactPostgresUrl(options.postgresUrl);
  const to = options.sqliteFile;
  const keep = options.force === true;
  const status = await readSchemaStatus(options.postgresUrl).catch((error) => {
    throw normalizePostgresError(error, { where: from, poolSize: 1, acquireTimeoutMs: 0 });
  });
  if (status.pending.length > 0) {
    throw new AlambiqueError(
      `the source ${from} has schema version ${status.version}, not this Alambique's ${status.latestVersion}`,
      {
        code: "migration_pending",
        hint: `Migrate it first: DATABASE_URL=<its URL> alambique migrate (it has ${status.exists ? "an older" : "no"} Alambique schema).`,
      },
    );
  }
  // Creates or migrates the destination (and refuses a newer or foreign file), as opening a store does.
  const { db } = openSqliteDatabase(to, { busyTimeoutMs: defaultBusyTimeoutMs });
  const client = new pg.Client({ connectionString: options.postgresUrl, application_name: "alambique-copy" });
  let inSource = false;
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    inSource = true;
    const plan = await planCopy(db, client, "postgres-to-sqlite");
    const names = [...plan.map((t) => t.name), ...knowledgeViews.map((v) => v.name)];
    const before = new Map(
      names.map((name) => [name, Number(db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get())]),
    );
    assertDestinationEmpty(to, before, keep);
    db.exec("BEGIN IMMEDIATE");
    try {
      db.pragma("defer_foreign_keys = ON");
      const sums = new Map<string, TableChecksum>();
      const deferred: (() => void)[] = [];
      for (const table of plan)
        sums.set(table.name, await copyTableToSqlite(client, db, table, keep, deferred));
      for (const run of deferred) run();
      for (const [name, sum] of await copyKnowledgeToSqlite(client, db, keep)) sums.set(name, sum);
      const tables: CopyTableReport[] = [...plan, ...knowledgeViews].map((table) =>
        compareTable(
          table.name,
          sums.get(table.name)!,
          sqliteSum(db, table, keep),
          before.get(table.name) ?? 0,
        ),
      );
      assertForeignKeys(db, to);
      const ok = tables.every((t) => t.ok);
      db.exec(ok ? "COMMIT" : "ROLLBACK");
      return { from, to, tables, ok };
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } catch (error) {
    const where = { where: from, poolSize: 1, acquireTimeoutMs: 0 };
    throw normalizeSqliteError(normalizePostgresError(error, where), { file: to, busyTimeoutMs: 0 });
  } finally {
    if (inSource) await client.query("ROLLBACK").catch(() => {});
    await client.end().catch(() => {});
    db.close();
  }
}

/** Rows whose parent is missing (checked at commit, deferred): named before committing, not after. */
function assertForeignKeys(db: Database.Database, to: string): void {
  const orphans = db
    .prepare<[], { table: string; parent: string }>("PRAGMA foreign_key_check")
    .all()
    .slice(0, 4);
  if (orphans.length === 0) return;
  throw new AlambiqueError(
    `the copy into ${to} has rows whose parent is missing (${orphans.map((o) => `${o.table} → ${o.parent}`).join(", ")})`,
    {
      code: "copy_mismatch",
      hint: "Nothing was committed. Stop every process writing to the source, then copy again.",
    },
  );
}
