/**
 * `alambique store copy --from sqlite:… --to postgres://…`: moves a whole
 * store, in one PostgreSQL transaction read from one SQLite snapshot, and
 * compares every table's row count and checksum (copy-checksum.ts) between
 * the two before committing. A mismatch rolls everything back, so the
 * destination holds either the whole store or nothing of it.
 *
 * The destination is migrated first (it may be a new database) and must be
 * empty unless `force`: then the copy adds to it (a row whose key is already
 * there fails it whole), and the check becomes "every source row is there".
 * The source must be at this version's schema (`alambique migrate` first),
 * and is only read. Writes made to it while copying are not copied: stop
 * the servers and workers that use it first.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { AlambiqueError } from "../../spec/errors.js";
import {
  assertDestinationEmpty,
  type CopyReport,
  type CopyTableReport,
  compareTable,
} from "../copy/copy-report.js";
import type { TableChecksum } from "../copy-checksum.js";
import { openStore } from "../open-store.js";
import { readSchemaStatus } from "../schema-status.js";
import { copyKnowledge, type KnowledgeView, knowledgeViews } from "./copy-knowledge.js";
import { type CopiedTable, planCopy } from "./copy-plan.js";
import { copyTable, destinationSum } from "./copy-table.js";
import { normalizePostgresError } from "./normalize-postgres-error.js";
import { redactPostgresUrl } from "./postgres-url.js";

export type { CopyReport, CopyTableReport } from "../copy/copy-report.js";

export async function copySqliteToPostgres(options: {
  sqliteFile: string;
  postgresUrl: string;
  force?: boolean;
}): Promise<CopyReport> {
  const to = redactPostgresUrl(options.postgresUrl);
  const status = await readSchemaStatus(options.sqliteFile);
  if (!status.exists || status.pending.length > 0) {
    throw new AlambiqueError(
      `the source ${options.sqliteFile} ${status.exists ? `has schema version ${status.version}, not this Alambique's ${status.latestVersion}` : "does not exist"}`,
      {
        code: status.exists ? "migration_pending" : "not_found",
        hint: status.exists
          ? `Migrate it first: alambique migrate --data <its folder> (or DATABASE_URL=sqlite:${options.sqliteFile} alambique migrate).`
          : "Give the path of an existing alambique.db (sqlite:PATH).",
      },
    );
  }
  // Creates or migrates the destination's schema (and refuses a newer or foreign one).
  await (await openStore(options.postgresUrl, { connectRetryMs: 0 })).close();
  const source = new Database(options.sqliteFile, { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: options.postgresUrl, application_name: "alambique-copy" });
  try {
    await client.connect();
    const plan = await planCopy(source, client);
    const before = await countRows(client, [
      ...plan.map((t) => t.name),
      ...knowledgeViews.map((v) => v.name),
    ]);
    assertDestinationEmpty(to, before, options.force === true);
    const keep = options.force === true;
    source.exec("BEGIN"); // one snapshot of the source for the whole copy
    await client.query("BEGIN");
    try {
      const sums = new Map<string, TableChecksum>();
      const deferred: (() => Promise<void>)[] = [];
      for (const table of plan) sums.set(table.name, await copyTable(source, client, table, keep, deferred));
      for (const run of deferred) await run();
      for (const [name, sum] of await copyKnowledge(source, client, keep)) sums.set(name, sum);
      const tables: CopyTableReport[] = [];
      for (const table of [...plan, ...knowledgeViews]) {
        const destination = await destinationSum(client, table as CopiedTable | KnowledgeView, keep);
        tables.push(
          compareTable(table.name, sums.get(table.name)!, destination, before.get(table.name) ?? 0),
        );
      }
      const ok = tables.every((t) => t.ok);
      await client.query(ok ? "COMMIT" : "ROLLBACK");
      return { from: options.sqliteFile, to, tables, ok };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      source.exec("COMMIT");
    }
  } catch (error) {
    throw normalizePostgresError(error, { where: to, poolSize: 1, acquireTimeoutMs: 0 });
  } finally {
    source.close();
    await client.end().catch(() => {});
  }
}

async function countRows(client: pg.ClientBase, tables: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
    counts.set(table, rows[0]!.n);
  }
  return counts;
}
