import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt } from "../parse-option.js";

export function registerServe(program: Command, context: CliContext): void {
  program
    .command("serve")
    .description("serve the OpenAI-compatible API (/v1) for the catalog's models")
    .option("--port <n>", "port (default 8787, or PORT)", nonNegativeInt)
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .action(async (options: { port?: number; host?: string }) => {
      const { startServer, untilSignal } = await import("../serve/start-server.js");
      const { url, registry } = await startServer(context, options);
      const models = await registry.list();
      context.io.err(
        `Alambique is serving ${url}/v1 with ${models.length} model${models.length === 1 ? "" : "s"}:`,
      );
      for (const model of models) context.io.err(`  ${model.name}  (${model.source})`);
      context.io.err("Press Ctrl-C to stop.");
      const signal = await untilSignal();
      context.io.err(`\n${signal}: stopping…`);
    });
}
