import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt } from "../parse-option.js";

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command("demo")
    .description(
      "create the demo bakery and its agent, show it answering, and serve it (offline, no model needed)",
    )
    .option("--port <n>", "port for the API and the demo's webhook (default 8787, or PORT)", nonNegativeInt)
    .option("--no-serve", "set up and answer the sample questions, then exit")
    .option(
      "--distill",
      "instead of the samples: distill a student for the bakery on forged models, offline (a few minutes), then exit",
    )
    .action(async (options: { port?: number; serve: boolean; distill?: boolean }) => {
      const { runDemo } = await import("../demo/run-demo.js");
      await runDemo(context, options);
    });
}
