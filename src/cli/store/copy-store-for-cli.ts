/**
 * `alambique store copy --from sqlite:PATH --to postgres://…`: prints one line
 * per table (source rows, destination rows, both checksums) and fails
 * (`copy_mismatch`, nothing committed) when any differs. URLs are printed
 * without their password. PostgreSQL to SQLite is not written yet.
 */
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import { parseStoreUrl } from "../../store/open-store.js";
import { copySqliteToPostgres } from "../../store/postgres/copy-sqlite-to-postgres.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";

export interface CopyOptions {
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

export async function copyStoreForCli(context: CliContext, options: CopyOptions): Promise<void> {
  const from = parseStoreUrl(options.from);
  const to = parseStoreUrl(options.to);
  if (from.kind !== "sqlite" || to.kind !== "postgres" || from.file === ":memory:") {
    throw new UsageError(
      `store copy goes from a SQLite file to PostgreSQL; got ${from.kind} to ${to.kind}`,
      "Write --from sqlite:PATH/alambique.db --to postgres://USER@HOST/DATABASE (PostgreSQL to SQLite is not supported yet).",
    );
  }
  const report = await copySqliteToPostgres({
    sqliteFile: from.file,
    postgresUrl: to.url,
    force: options.force === true,
  });
  if (options.json) context.io.out(JSON.stringify(report, null, 2));
  else {
    context.io.out(
      formatTable([
        ["TABLE", "SOURCE ROWS", "COPIED ROWS", "SOURCE CHECKSUM", "DESTINATION CHECKSUM", "OK"],
        ...report.tables.map((t) => [
          t.table,
          String(t.source.rows),
          String(t.destination.rows - t.before),
          t.source.checksum,
          t.destination.checksum,
          t.ok ? "yes" : t.missing > 0 ? `NO (${t.missing} missing)` : "NO",
        ]),
      ]),
    );
    const rows = report.tables.reduce((n, t) => n + t.source.rows, 0);
    if (report.ok) context.io.out(`copied ${rows} rows from ${report.from} to ${report.to}`);
  }
  if (!report.ok) {
    const bad = report.tables.filter((t) => !t.ok).map((t) => t.table);
    throw new AlambiqueError(
      `the copy of ${bad.join(", ")} does not match its source: nothing was committed`,
      {
        code: "copy_mismatch",
        hint: "Stop every process writing to the source, then copy again into an empty database.",
      },
    );
  }
}
