import type { Command } from "commander";
import { UsageError } from "../../spec/errors.js";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt, positiveInt } from "../parse-option.js";

interface DistillOptions {
  teacher?: string;
  base?: string;
  name?: string;
  rows?: number;
  epochs?: number;
  ctx?: number;
  judge?: string;
  repeats?: number;
  maxTokens?: number;
  seed?: number;
  allowLicense?: string;
  by?: string;
  json?: boolean;
}

const usage = "alambique distill AGENT --teacher MODEL --base MODEL [--rows N] [--epochs N] [--name STUDENT]";

export function registerDistill(program: Command, context: CliContext): void {
  // The options are checked in the action, not by commander: a required option here would be required by `resume` too.
  const distill = program
    .command("distill")
    .description(
      "the whole loop in one command: synthetic data → freeze → train a student → evaluate it against the teacher → promote it if the gate passes (a job: Ctrl-C pauses, `distill resume` goes on)",
    )
    .argument("[agent]", "the agent whose student to make")
    .option(
      "--teacher <model>",
      "catalog model that writes the data and is the reference (its licence is checked)",
    )
    .option(
      "--base <model>",
      "catalog model or .gguf with F32 matrices and a chat template, the student's start",
    )
    .option(
      "--name <name>",
      "the student's catalog name (default AGENT-student, or the first free AGENT-student-N)",
    )
    .option(
      "--rows <n>",
      "synthetic rows to make, at least 10 (default 500; a tenth is the test split)",
      positiveInt,
    )
    .option("--epochs <n>", "training passes over the data (default 4)", positiveInt)
    .option(
      "--ctx <n>",
      "tokens per training window, rounded up to a multiple of 256 (default 512)",
      positiveInt,
    )
    .option(
      "--judge <model>",
      "filters the rows and judges the evaluation (default: no filter; the teacher judges)",
    )
    .option("--repeats <k>", "evaluation runs of every turn per model, for pass^k (default 1)", positiveInt)
    .option("--max-tokens <n>", "most tokens one model call may generate (data and evaluation)", positiveInt)
    .option("--seed <n>", "seed of the data plan and the judge (default 1)", nonNegativeInt)
    .option("--allow-license <id>", "go on although that licence refuses it (you hold permission; recorded)")
    .option("--by <name>", "who promotes, for the record (default: your user name)")
    .option("--json", "print the outcome as JSON (id, status, stage, jobs, scorecard, gate, promoted)")
    .action(async (agent: string | undefined, options: DistillOptions) => {
      if (agent === undefined) throw new UsageError("which agent? `distill` needs one", usage);
      if (options.teacher === undefined || options.base === undefined)
        throw new UsageError(`missing ${options.teacher === undefined ? "--teacher" : "--base"}`, usage);
      const { startDistillForCli } = await import("../distill/distill-for-cli.js");
      const o = options;
      await startDistillForCli(
        context,
        {
          agent,
          teacher: options.teacher,
          base: options.base,
          ...(o.name !== undefined ? { student: o.name } : {}),
          ...(o.rows !== undefined ? { rows: o.rows } : {}),
          ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
          ...(o.ctx !== undefined ? { contextLength: o.ctx } : {}),
          ...(o.judge !== undefined ? { judge: o.judge } : {}),
          ...(o.repeats !== undefined ? { repeats: o.repeats } : {}),
          ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          ...(o.allowLicense !== undefined ? { allowLicense: o.allowLicense } : {}),
          ...(o.by !== undefined ? { by: o.by } : {}),
        },
        { json: o.json },
      );
    });

  // Options may come after the subcommand's arguments, so `distill status --json` can land on `distill` itself.
  const json = () => distill.opts<DistillOptions>().json;
  distill
    .command("resume <job>")
    .description("go on with a paused, interrupted or killed loop, here, from the stage it was in")
    .option("--json", "print the outcome as JSON")
    .action(async (job: string, options: { json?: boolean }) => {
      const { resumeDistillForCli } = await import("../distill/distill-for-cli.js");
      await resumeDistillForCli(context, job, { json: options.json ?? json() });
    });

  distill
    .command("status [job]")
    .description("the distillation loops, or one loop's stage, sub-jobs, scorecard and gate")
    .option("--json", "print JSON")
    .action(async (job: string | undefined, options: { json?: boolean }) => {
      const { printDistillStatus } = await import("../distill/distill-for-cli.js");
      await printDistillStatus(context, job, { json: options.json ?? json() });
    });
}
