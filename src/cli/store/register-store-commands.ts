import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";

/** `alambique migrate` and `alambique store copy`. */
export function registerStoreCommands(program: Command, context: CliContext): void {
  program
    .command("migrate")
    .description(
      "bring the store's schema up to this version (also done on start unless store.migrateOnStart: false)",
    )
    .option("--dry-run", "only list the migrations that would be applied")
    .option("--json", "print JSON")
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      const { migrateForCli } = await import("./migrate-for-cli.js");
      await migrateForCli(context, options);
    });

  program
    .command("store")
    .description("the store as a whole: copy it to another engine")
    .command("copy")
    .description("copy every table of a SQLite store into PostgreSQL or back, comparing counts and checksums")
    .requiredOption(
      "--from <url>",
      "the source: sqlite:PATH (or the file's path), or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
    )
    .requiredOption("--to <url>", "the destination: postgres://… or sqlite:PATH (created when missing)")
    .option("--force", "copy into a destination that already holds data (adding to it)")
    .option("--json", "print the report as JSON")
    .action(async (options: { from: string; to: string; force?: boolean; json?: boolean }) => {
      const { copyStoreForCli } = await import("./copy-store-for-cli.js");
      await copyStoreForCli(context, options);
    });
}
