import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt, nonNegativeNumber, positiveInt } from "../parse-option.js";

interface RunOptions {
  model: string;
  prompt: string;
  system?: string;
  maxTokens: number;
  jsonSchema?: string;
  temperature?: number;
  seed?: number;
  threads?: number;
}

export function registerRun(program: Command, context: CliContext): void {
  program
    .command("run")
    .description("one-shot generation with a catalog model or a .gguf file")
    .requiredOption("--model <name|path>", "a catalog name or a path to a .gguf file")
    .requiredOption("--prompt <text>", "the user message")
    .option("--system <text>", "a system message")
    .option("--max-tokens <n>", "most tokens to generate", positiveInt, 256)
    .option(
      "--json-schema <file|json>",
      "answer with JSON matching this schema (always valid, grammar-constrained)",
    )
    .option(
      "--temperature <t>",
      "sampling temperature (default: greedy; 0.8 when --seed is given)",
      nonNegativeNumber,
    )
    .option("--seed <n>", "sampling seed (same seed, same answer)", nonNegativeInt)
    .option("--threads <n>", "CPU threads for an embedded model", positiveInt)
    .action(async (options: RunOptions) => {
      const { runOnce } = await import("../run/run-once.js");
      await runOnce(context, options);
    });
}

export type { RunOptions };
