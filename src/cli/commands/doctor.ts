import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";

const marks = { ok: "✓", warn: "!", fail: "✗" } as const;

export function registerDoctor(program: Command, context: CliContext): void {
  program
    .command("doctor")
    .description("check what is installed, loaded and configured; say what is missing and how to fix it")
    .option("--json", "print the report as JSON")
    .option(
      "--full",
      "check the store's integrity in full, however large it is (a quick check beyond 64 MiB)",
    )
    .action(async (options: { json?: boolean; full?: boolean }) => {
      const { runDoctor } = await import("../../doctor/run-doctor.js");
      const report = await runDoctor({
        file: context.globals.config,
        dataDir: context.globals.data,
        env: context.env,
        full: options.full === true,
      });
      if (options.json) {
        context.io.out(JSON.stringify(report, null, 2));
      } else {
        const width = Math.max(...report.checks.map((c) => c.title.length));
        for (const check of report.checks) {
          context.io.out(`${marks[check.status]} ${check.title.padEnd(width)}  ${check.detail}`);
          if (check.fix && check.status !== "ok") context.io.out(`  ${" ".repeat(width)}  fix: ${check.fix}`);
        }
        const failed = report.checks.filter((c) => c.status === "fail").length;
        context.io.out(failed === 0 ? "\nAll good." : `\n${failed} problem${failed === 1 ? "" : "s"} found.`);
      }
      context.exitCode = report.ok ? 0 : 1;
    });
}
