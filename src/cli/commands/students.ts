import type { Command } from "commander";
import type { ModelRecord } from "../../spec/store.js";
import { studentProvenanceSchema, type TrainerEvent } from "../../spec/students.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";
import { nonNegativeNumber, positiveInt } from "../parse-option.js";

interface TrainOptions {
  dataset: string;
  base: string;
  name: string;
  epochs?: number;
  lr?: number;
  ctx?: number;
  threads?: number;
  json?: boolean;
}

export function registerStudents(program: Command, context: CliContext): void {
  const students = program
    .command("students")
    .description("students: small models trained from a frozen dataset on a base model");

  students
    .command("train")
    .description("train a student with the built-in engine (llama.cpp's trainer, full fine-tuning, CPU)")
    .requiredOption("--dataset <name[@version]>", "a frozen dataset")
    .requiredOption("--base <model>", "a catalog model or .gguf file with F32 matrices and a chat template")
    .requiredOption("--name <name>", "the student's name in the catalog")
    .option("--epochs <n>", "passes over the training data (default 4)", positiveInt)
    .option("--lr <x>", "AdamW learning rate (default 0.0003)", nonNegativeNumber)
    .option(
      "--ctx <n>",
      "tokens per training window, rounded up to a multiple of 256 (default 512)",
      positiveInt,
    )
    .option("--threads <n>", "CPU threads (default 1: tiny models train fastest on one)", positiveInt)
    .option("--json", "print the student as JSON when done")
    .action(async (options: TrainOptions) => {
      const { trainStudent } = await import("../../distill/training/train-student.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const { join } = await import("node:path");
      const store = await context.store();
      const tenant = await defaultTenant(store);
      const cancel = new AbortController();
      const onSigint = () => cancel.abort();
      process.once("SIGINT", onSigint);
      try {
        const model = await trainStudent(store, tenant.id, join(context.config.dataPath, "models"), {
          dataset: options.dataset,
          base: options.base,
          name: options.name,
          epochs: options.epochs,
          learningRate: options.lr,
          contextLength: options.ctx,
          threads: options.threads,
          signal: cancel.signal,
          onEvent: (event) => context.io.err(progressLine(event)),
        });
        if (options.json) return context.io.out(JSON.stringify(studentView(model), null, 2));
        printStudent(context, model);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });

  students
    .command("list")
    .description("the students in the catalog")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const all = (await (await context.store()).models.list()).flatMap((m) => {
        const view = studentView(m);
        return view ? [view] : [];
      });
      if (options.json) return context.io.out(JSON.stringify(all, null, 2));
      if (all.length === 0)
        return context.io.out("No students yet: `alambique students train --dataset D --base B --name N`.");
      const header = ["NAME", "BASE", "DATASET", "ENGINE", "VAL LOSS", "BASE VAL LOSS", "LICENCE"];
      const rows = all.map((s) => [
        s.name,
        s.base,
        `${s.dataset.name}@${s.dataset.version}`,
        s.engine,
        s.metrics.validationLoss.toFixed(3),
        s.metrics.baseValidationLoss.toFixed(3),
        s.license ?? "unknown",
      ]);
      context.io.out(formatTable([header, ...rows]));
    });

  students
    .command("show <name>")
    .description("a student's provenance: base, dataset, engine, hyper-parameters, losses, licence, file")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const model = await (await context.store()).models.get(name);
      const view = model && studentView(model);
      if (!model || !view) {
        const { NotFoundError } = await import("../../spec/errors.js");
        throw new NotFoundError("student", name, "`alambique students list` shows the students");
      }
      if (options.json) return context.io.out(JSON.stringify(view, null, 2));
      printStudent(context, model);
    });
}

/** What `students show --json` prints; scripts rely on these keys. */
function studentView(model: ModelRecord) {
  const provenance = studentProvenanceSchema.safeParse(model.metadata.student);
  if (!provenance.success) return undefined;
  const parsed = provenance.data;
  return {
    name: model.name,
    base: parsed.base.name,
    dataset: parsed.dataset,
    engine: parsed.engine,
    license: model.licenseId,
    metrics: parsed.metrics,
    hyperparameters: parsed.hyperparameters,
    file: model.source.replace(/^gguf:/, ""),
    durationSeconds: parsed.durationSeconds,
    machine: parsed.machine,
    trainedAt: parsed.trainedAt,
  };
}

function printStudent(context: CliContext, model: ModelRecord): void {
  const s = studentView(model)!;
  const h = s.hyperparameters;
  context.io.out(
    formatTable([
      ["student", s.name],
      ["base", s.base],
      [
        "dataset",
        `${s.dataset.name}@${s.dataset.version} (sha256 ${s.dataset.sha256 ?? "unknown"}), ` +
          `${s.dataset.rows.train} train rows, ${s.dataset.rows.validation} ${s.dataset.validationSplit} rows`,
      ],
      ["teacher", `${s.dataset.teacher.name}, licence ${s.dataset.teacher.licenseId ?? "unknown"}`],
      [
        "engine",
        `${s.engine}: AdamW lr ${h.learningRate}, ${h.epochs} epochs, ${h.contextLength}-token windows, ${h.threads} threads`,
      ],
      [
        "validation loss",
        `${s.metrics.validationLoss.toFixed(4)} (base ${s.metrics.baseValidationLoss.toFixed(4)})`,
      ],
      ["train loss", s.metrics.trainLoss.toFixed(4)],
      [
        "epochs",
        s.metrics.epochs
          .map((e) => `${e.epoch}: ${e.trainLoss.toFixed(3)}/${e.validationLoss.toFixed(3)}`)
          .join(", "),
      ],
      ["licence", s.license ?? "unknown (inherited from the base)"],
      ["duration", `${s.durationSeconds.toFixed(1)} s`],
      ["file", s.file],
    ]),
  );
}

function progressLine(event: TrainerEvent): string {
  switch (event.type) {
    case "ready":
      return `training on ${event.backends.join(", ")}: ${event.parameters} parameters`;
    case "base":
      return `base validation loss ${event.validationLoss.toFixed(4)}`;
    case "epoch": {
      const m = event.metrics;
      return `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, validation loss ${m.validationLoss.toFixed(4)}, ${m.tokensPerSecond.toFixed(0)} tokens/s`;
    }
    case "saved":
      return "saved; writing the student";
    case "failed":
      return `failed: ${event.message}`;
  }
}
