import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";

export function registerChat(program: Command, context: CliContext): void {
  program
    .command("chat <agent>")
    .description("talk to an agent in the terminal (/quit to leave)")
    .option(
      "--user <id>",
      "the customer id this conversation belongs to",
      `terminal:${process.env.USER ?? "you"}`,
    )
    .action(async (agent: string, options: { user: string }) => {
      const { runChat } = await import("../chat/run-chat.js");
      await runChat(context, agent, options.user);
    });
}
