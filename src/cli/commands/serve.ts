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
    .option(
      "--no-ingest-runner",
      "leave queued knowledge uploads to `alambique worker` processes (default: this process runs them, one at a time)",
    )
    .action(async (flags: { port?: number; host?: string; ingestRunner: boolean }) => {
      const options = {
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        // Commander sets `ingestRunner` true when the flag is absent: only its `--no-` form overrides the config.
        ...(flags.ingestRunner === false ? { ingestRunner: false } : {}),
      };
      const { startServer, untilSignal } = await import("../serve/start-server.js");
      const { printServing } = await import("../serve/print-serving.js");
      const { url, registry } = await startServer(context, options);
      await printServing(context.io, url, await context.store(), await registry.list());
      context.io.err("Press Ctrl-C to stop.");
      const signal = await untilSignal();
      context.io.err(`\n${signal}: stopping…`);
    });
}
