import { Command, CommanderError } from "commander";
import { AlambiqueError, UsageError } from "../spec/errors.js";
import { registerChannels } from "./channels/register-channels.js";
import { CliContext, type GlobalOptions, type Output, processOutput } from "./cli-context.js";
import { registerAgents } from "./commands/agents.js";
import { registerChat } from "./commands/chat.js";
import { registerConversations } from "./commands/conversations.js";
import { registerDatasets } from "./commands/datasets.js";
import { registerDemo } from "./commands/demo.js";
import { registerDistill } from "./commands/distill.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEval } from "./commands/eval.js";
import { registerKeys } from "./commands/keys.js";
import { registerKnowledge } from "./commands/knowledge.js";
import { registerModels } from "./commands/models.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerStudents } from "./commands/students.js";
import { registerSynth } from "./commands/synth.js";
import { packageVersion } from "./package-version.js";
import { registerStoreCommands } from "./store/register-store-commands.js";
import { registerWorker } from "./worker/register-worker.js";

/** Exit codes: 0 success, 1 the command failed, 2 it was called wrongly. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const usageCodes = new Set([
  "commander.unknownCommand",
  "commander.unknownOption",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.missingMandatoryOptionValue",
  "commander.invalidArgument",
  "commander.excessArguments",
  "commander.conflictingOption",
]);

export function buildProgram(context: CliContext): Command {
  const program = new Command("alambique")
    .description("AI agents on open models, and the still that distills your own small models.")
    .version(packageVersion(), "-V, --version")
    .option("--data <dir>", "data directory (default ./.alambique, or ALAMBIQUE_DATA)")
    .option("--config <file>", "configuration file (default ./alambique.yaml if present)")
    .option("-v, --verbose", "log debug details to stderr")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.out(text.trimEnd()),
      writeErr: (text) => context.io.err(text.trimEnd()),
    });
  // Global options may come after the command name too (`alambique doctor --data x`).
  program.enablePositionalOptions(false);
  program.hook("preAction", (_root, action) => {
    Object.assign(context.globals, pickGlobals(action.optsWithGlobals()));
  });

  registerDemo(program, context);
  registerDoctor(program, context);
  registerModels(program, context);
  registerRun(program, context);
  registerServe(program, context);
  registerAgents(program, context);
  registerChat(program, context);
  registerConversations(program, context);
  registerKnowledge(program, context);
  registerKeys(program, context);
  registerChannels(program, context);
  registerSynth(program, context);
  registerDatasets(program, context);
  registerStudents(program, context);
  registerEval(program, context);
  registerDistill(program, context);
  registerStoreCommands(program, context);
  registerWorker(program, context);
  return program;
}

/**
 * Runs the CLI and returns the exit code instead of exiting, so tests call it
 * in-process and the bin script decides when the process ends.
 */
export async function main(argv: string[], io: Output = processOutput, env = process.env): Promise<number> {
  const context = new CliContext({}, io, env);
  const program = buildProgram(context);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return context.exitCode;
  } catch (error) {
    return reportError(error, context);
  } finally {
    await context.close();
  }
}

function reportError(error: unknown, context: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (with a "Did you mean" suggestion).
    if (error.exitCode === 0) return EXIT.ok;
    return usageCodes.has(error.code) ? EXIT.usage : EXIT.failed;
  }
  if (AlambiqueError.isInstance(error)) {
    context.io.err(`error: ${error.describe()}`);
    if (context.globals.verbose && error.cause) context.io.err(`cause: ${String(error.cause)}`);
    return UsageError.isInstance(error) ? EXIT.usage : EXIT.failed;
  }
  const detail =
    error instanceof Error ? (context.globals.verbose ? error.stack : error.message) : String(error);
  context.io.err(`error: unexpected failure: ${detail}`);
  if (!context.globals.verbose)
    context.io.err("  run again with --verbose for details, and report it if it persists");
  return EXIT.failed;
}

function pickGlobals(options: Record<string, unknown>): GlobalOptions {
  const globals: GlobalOptions = {};
  if (typeof options.data === "string") globals.data = options.data;
  if (typeof options.config === "string") globals.config = options.config;
  if (options.verbose === true) globals.verbose = true;
  return globals;
}
