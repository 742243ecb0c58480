import { type Command, Option } from "commander";
import type { ModelRecord } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { formatCount, formatTable } from "../format-table.js";
import { nonNegativeInt, nonNegativeNumber, positiveInt, yesNo } from "../parse-option.js";
import { ProgressBar } from "../progress-bar.js";

const openness = ["open", "gated", "closed"];

export function registerModels(program: Command, context: CliContext): void {
  const models = program.command("models").description("the model catalog: open models with their licences");

  models
    .command("forge")
    .description("write a small random-weight Llama-architecture GGUF (for tests and trying things out)")
    .option("--out <file>", "the .gguf file to write (default: in the data folder's models/)")
    .addOption(new Option("--preset <name>", "model size").choices(["tiny", "small"]).default("tiny"))
    .option("--seed <n>", "weights seed (same seed, same file)", nonNegativeInt, 1)
    .option("--f32", "store every weight matrix as F32, so students can be trained on it (tiny already is)")
    .action(async (options: { out?: string; preset: "tiny" | "small"; seed: number; f32?: boolean }) => {
      const { forgeModel } = await import("../../models/forge/forge-model.js");
      const { join } = await import("node:path");
      // Not the current folder: run in a clone, that would be the repository's root.
      const out =
        options.out ??
        join(
          context.config.dataPath,
          "models",
          `forged-${options.preset}${options.f32 ? "-f32" : ""}-seed${options.seed}.gguf`,
        );
      const result = await forgeModel({ ...options, out });
      context.io.out(
        `${result.path}: ${result.preset}, seed ${result.seed}, ${result.matrixType.toUpperCase()} matrices, ${formatCount(result.parameterCount)} parameters, ` +
          `${result.vocabSize} tokens, ${(result.bytes / 2 ** 20).toFixed(1)} MiB, sha256 ${result.sha256.slice(0, 16)}…`,
      );
      context.io.err("Random weights: it speaks nonsense, but grammar-constrained output is valid JSON.");
      context.io.err(`Add it to the catalog: alambique models add ${options.preset} --gguf ${result.path}`);
    });

  models
    .command("add <name>")
    .description("add a model: a local GGUF, a Hugging Face GGUF, or an OpenAI-compatible engine")
    .option("--gguf <path>", "a local .gguf file")
    .option(
      "--hf <ref>",
      "a GGUF on Hugging Face: OWNER/REPO/FILE.gguf, or its https://huggingface.co/… link (downloaded into the data folder)",
    )
    .option("--url <base>", "an OpenAI-compatible engine's base URL, e.g. http://127.0.0.1:8000/v1")
    .option("--api-key-env <var>", "the environment variable holding the engine's API key")
    .option("--remote-model <id>", "the engine's model id (default: the name, or the engine's only model)")
    .option("--no-probe", "with --url: do not ask the engine for its models first")
    .option("--license <id>", "licence id, e.g. llama3.1, apache-2.0 (default: from the GGUF metadata)")
    .option("--license-url <url>", "where the licence text is")
    .addOption(new Option("--weights <openness>", "are the weights open, gated or closed").choices(openness))
    .addOption(new Option("--data-openness <openness>", "is the training data open").choices(openness))
    .addOption(new Option("--code-openness <openness>", "is the training code open").choices(openness))
    .option(
      "--outputs-may-train <yes|no>",
      "may its outputs train other models (default: from the licence)",
      yesNo,
    )
    .option("--price-input <usd>", "price per million input tokens", nonNegativeNumber)
    .option("--price-output <usd>", "price per million output tokens", nonNegativeNumber)
    .option("--threads <n>", "CPU threads for an embedded model", positiveInt)
    .option("--context-size <n>", "context size in tokens for an embedded model", positiveInt)
    .addHelpText(
      "after",
      `
A model Ollama already has (e.g. llama3.1:8b):
  its GGUF file:        alambique models add llama3.1-8b --gguf ~/.ollama/models/blobs/sha256-…
                        (\`ollama show llama3.1:8b --modelfile\` prints the path on its FROM line)
  Ollama as the engine: alambique models add llama3.1-8b --url http://127.0.0.1:11434/v1 --remote-model llama3.1:8b`,
    )
    .action(async (name: string, options: Record<string, unknown>) => {
      const { describeModel } = await import("../../models/catalog/describe-model.js");
      const { join } = await import("node:path");
      const record = await describeModel(
        {
          name,
          ...(options as object),
          data: options.dataOpenness as never,
          code: options.codeOpenness as never,
        },
        {
          modelsDir: join(context.config.dataPath, "models"),
          env: context.env,
          onDownloadProgress: progressPrinter(),
        },
      );
      const store = await context.store();
      const added = await store.models.add(record);
      context.io.out(`added ${added.name} (${added.source})`);
      if (added.outputsMayTrain === false) {
        context.io.err(`note: its licence (${added.licenseId}) does not let its outputs train other models.`);
      }
    });

  models
    .command("list")
    .description("the catalog")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const list = await (await context.store()).models.list();
      if (options.json) return context.io.out(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return context.io.out("No models yet: add one with `alambique models add NAME --gguf FILE`.");
      context.io.out(formatTable([header, ...list.map(row)]));
    });

  models
    .command("show <name>")
    .description("everything the catalog knows about one model")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const model = await (await context.store()).models.get(name);
      if (!model) {
        const { NotFoundError } = await import("../../spec/errors.js");
        throw new NotFoundError("model", name, "`alambique models list` shows the catalog");
      }
      if (options.json) return context.io.out(JSON.stringify(model, null, 2));
      context.io.out(
        formatTable(
          Object.entries(model).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]),
        ),
      );
    });

  models
    .command("remove <name>")
    .description("remove a model from the catalog (its file is kept)")
    .action(async (name: string) => {
      await (await context.store()).models.remove(name);
      context.io.out(`removed ${name}`);
    });
}

const header = [
  "NAME",
  "SOURCE",
  "ARCH",
  "PARAMS",
  "QUANT",
  "CONTEXT",
  "LICENCE",
  "WEIGHTS/DATA/CODE",
  "OUTPUTS TRAIN",
];

function row(m: ModelRecord): string[] {
  return [
    m.name,
    m.source.length > 48 ? `${m.source.slice(0, 45)}…` : m.source,
    m.architecture ?? "-",
    formatCount(m.parameterCount),
    m.quantization ?? "-",
    m.contextLength === null ? "-" : String(m.contextLength),
    m.licenseId ?? "unknown",
    [m.weightsOpenness, m.dataOpenness, m.codeOpenness].map((o) => o ?? "?").join("/"),
    m.outputsMayTrain === null ? "unknown" : m.outputsMayTrain ? "yes" : "no",
  ];
}

function progressPrinter() {
  const bar = new ProgressBar("downloading");
  const bytes = (n: number) => `${formatCount(n)}B`;
  return ({ downloadedBytes, totalBytes }: { downloadedBytes: number; totalBytes: number }) =>
    bar.update(downloadedBytes, totalBytes, bytes);
}
