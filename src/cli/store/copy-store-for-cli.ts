/**
 * `alambique store copy --from sqlite:PATH --to postgres://…` (or the other
 * way, `--from postgres://… --to sqlite:PATH`): prints one line per table
 * (source rows, destination rows, both checksums) and fails (`copy_mismatch`,
 * nothing committed) when any differs. URLs are printed without their password.
 */
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import type { CopyReport } from "../../store/copy/copy-report.js";
import { parseStoreUrl } from "../../store/open-store.js";
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
  const force = options.force === true;
  let report: CopyReport;
  if (from.kind === "sqlite" && to.kind === "postgres" && from.file !== ":memory:") {
    // Imported here so that other commands never load `pg`.
    const { copySqliteToPostgres } = await import("../../store/postgres/copy-sqlite-to-postgres.js");
    report = await copySqliteToPostgres({ sqliteFile: from.file, postgresUrl: to.url, force });
  } else if (from.kind === "postgres" && to.kind === "sqlite" && to.file !== ":memory:") {
    const { copyPostgresToSqlite } = await import("../../store/postgres/copy-postgres-to-sqlite.js");
    report = await copyPostgresToSqlite({ postgresUrl: from.url, sqliteFile: to.file, force });
  } else {
    const got = (t: typeof from) => (t.kind === "sqlite" && t.file === ":memory:" ? ":memory:" : t.kind);
    throw new UsageError(
      `store copy goes between a SQLite file and PostgreSQL; got ${got(from)} to ${got(to)}`,
      "Write --from sqlite:PATH/alambique.db --to postgres://USER@HOST/DATABASE, or --from postgres://USER@HOST/DATABASE --to sqlite:PATH/alambique.db.",
    );
  }
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
