import { type Command, Option } from "commander";
import type { CliContext } from "../cli-context.js";
import { positiveInt } from "../parse-option.js";

const formats = ["openai", "sharegpt", "hf"];

export function registerDatasets(program: Command, context: CliContext): void {
  const datasets = program
    .command("datasets")
    .description("versioned training datasets: list, inspect, freeze, export, import (NAME or NAME@VERSION)");

  datasets
    .command("list")
    .description("every dataset version, with its rows per split")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { listDatasets } = await import("../datasets/datasets-for-cli.js");
      await listDatasets(context, options);
    });

  datasets
    .command("show <dataset>")
    .description(
      "one version's card: agent, teacher and judge with licences, filters, counts, languages, hash",
    )
    .option("--rows <n>", "also print the first N rows", positiveInt)
    .option("--json", "print JSON")
    .action(async (dataset: string, options: { rows?: number; json?: boolean }) => {
      const { showDataset } = await import("../datasets/datasets-for-cli.js");
      await showDataset(context, dataset, options);
    });

  datasets
    .command("freeze <dataset>")
    .description("make a version immutable (for training and evaluation); a new run makes a new version")
    .action(async (dataset: string) => {
      const { freezeDataset } = await import("../datasets/datasets-for-cli.js");
      await freezeDataset(context, dataset);
    });

  datasets
    .command("export <dataset>")
    .description("write a version as OpenAI chat JSONL, ShareGPT JSONL, or a Hugging Face datasets folder")
    .addOption(new Option("--format <format>", "file format").choices(formats).makeOptionMandatory())
    .requiredOption("--out <dir>", "the folder to write (created if missing)")
    .option("--no-tools", "do not declare the agent's tools on each example")
    .action(
      async (
        dataset: string,
        options: { format: "openai" | "sharegpt" | "hf"; out: string; tools: boolean },
      ) => {
        const { exportDatasetForCli } = await import("../datasets/datasets-for-cli.js");
        await exportDatasetForCli(context, dataset, options);
      },
    );

  datasets
    .command("import <path>")
    .description("read an export (a folder, or one .jsonl file) into a new version of a dataset")
    .addOption(new Option("--format <format>", "file format").choices(formats).makeOptionMandatory())
    .requiredOption("--name <name>", "the dataset to add a version to")
    .addOption(
      new Option("--on-error <mode>", "broken lines: skip them and import the rest, or import nothing")
        .choices(["skip", "abort"])
        .default("abort"),
    )
    .option("--languages <list>", "languages of rows that do not say (openai, sharegpt), e.g. es,en")
    .action(
      async (
        path: string,
        options: {
          format: "openai" | "sharegpt" | "hf";
          name: string;
          onError: "skip" | "abort";
          languages?: string;
        },
      ) => {
        const { importDatasetForCli } = await import("../datasets/datasets-for-cli.js");
        await importDatasetForCli(context, path, options);
      },
    );
}
