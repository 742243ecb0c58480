import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt } from "../parse-option.js";

export function registerServe(program: Command, context: CliContext): void {
  program
    .command("serve")
    .description(
      "serve the agents and the catalog's models: OpenAI-compatible /v1, REST /api, the web widget",
    )
    .option("--port <n>", "port (default 8787, or PORT)", nonNegativeInt)
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .action(async (options: { port?: number; host?: string }) => {
      const { startServer, untilSignal } = await import("../serve/start-server.js");
      const { printServing } = await import("../serve/print-serving.js");
      const { url, registry } = await startServer(context, options);
      await printServing(context.io, url, await context.store(), await registry.list());
      context.io.err("Press Ctrl-C to stop.");
      const signal = await untilSignal();
      context.io.err(`\n${signal}: stopping…`);
    });
}
