import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command("demo")
    .description("set up the demo business and show what runs today, offline, with embedded defaults")
    .action(async () => {
      const { runDemo } = await import("../demo/run-demo.js");
      await runDemo(context);
    });
}
