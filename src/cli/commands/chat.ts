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
    .option("--new", "close this customer's open conversation with the agent and start a new one")
    .action(async (agent: string, options: { user: string; new?: boolean }) => {
      const { runChat } = await import("../chat/run-chat.js");
      await runChat(context, agent, options.user, { fresh: options.new === true });
    });
}
