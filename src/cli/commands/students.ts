import { type Command, Option } from "commander";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";
import { nonNegativeNumber, positiveInt } from "../parse-option.js";
import { registerStudentsPromote } from "./students-promote.js";

interface TrainOptions {
  dataset: string;
  base: string;
  name: string;
  epochs?: number;
  lr?: number;
  ctx?: number;
  threads?: number;
  loss: "assistant" | "whole";
  allowLicense?: string;
  engine: "builtin" | "command";
  quantize?: "q8_0" | "q4_k_m";
  json?: boolean;
}

export function registerStudents(program: Command, context: CliContext): void {
  const students = program
    .command("students")
    .description("students: small models trained from a frozen dataset on a base model");

  students
    .command("train")
    .description(
      "train a student with the built-in engine (llama.cpp's trainer, full fine-tuning, CPU) or your trainer sidecar (training.command): a job in the store; Ctrl-C pauses it, `students resume` goes on",
    )
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
    .addOption(
      new Option("--loss <on>", "what the loss counts: the assistant's tokens, or whole conversations")
        .choices(["assistant", "whole"])
        .default("assistant"),
    )
    .option("--allow-license <id>", "train although that licence refuses it (you hold permission; recorded)")
    .addOption(
      new Option("--engine <engine>", "who trains: llama.cpp here, or training.command from alambique.yaml")
        .choices(["builtin", "command"])
        .default("builtin"),
    )
    .addOption(
      new Option(
        "--quantize <type>",
        "quantize the trained GGUF (llama.cpp's llama_model_quantize) before it enters the catalog",
      ).choices(["q8_0", "q4_k_m"]),
    )
    .option("--json", "print the student as JSON when done")
    .action(async (options: TrainOptions) => {
      const { enqueueStudentJob } = await import("../../distill/training/enqueue-student-job.js");
      const { runStudentForCli } = await import("../students/run-student-for-cli.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const { join } = await import("node:path");
      const store = await context.store();
      const tenant = await defaultTenant(store);
      const { studentEngine } = await import("../students/student-engine.js");
      const queued = await enqueueStudentJob(store, {
        tenantId: tenant.id,
        modelsDir: join(context.config.dataPath, "models"),
        dataset: options.dataset,
        base: options.base,
        name: options.name,
        epochs: options.epochs,
        learningRate: options.lr,
        contextLength: options.ctx,
        threads: options.threads,
        lossOn: options.loss === "whole" ? "whole-conversation" : "assistant",
        allowLicense: options.allowLicense,
        engine: studentEngine(options.engine, context.config),
        quantize: options.quantize,
      });
      for (const warning of queued.warnings) context.io.err(`warning: ${warning}`);
      const h = queued.payload.hyperparameters;
      context.io.err(
        `job ${queued.job.id}: ${queued.payload.name} from ${queued.payload.base.name} on ` +
          `${queued.payload.dataset.name}@${queued.payload.dataset.version}, ${h.epochs} epochs, ${h.contextLength}-token windows`,
      );
      await runStudentForCli(context, store, queued.job.id, { json: options.json });
    });

  students
    .command("status [job]")
    .description("the training jobs, or one job's epoch, losses, tokens/s and ETA")
    .option("--json", "print JSON")
    .action(async (job: string | undefined, options: { json?: boolean }) => {
      const { printStudentStatus } = await import("../students/student-status.js");
      await printStudentStatus(context, job, options);
    });

  students
    .command("resume <job>")
    .description(
      "go on with a paused, interrupted or killed training job, here, from its last finished epoch",
    )
    .option("--json", "print the student as JSON when done")
    .action(async (job: string, options: { json?: boolean }) => {
      const { resumeStudentJob } = await import("../students/student-status.js");
      await resumeStudentJob(context, job, options);
    });

  students
    .command("list")
    .description("the students in the catalog")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { studentView } = await import("../students/student-view.js");
      const { importedStudentView } = await import("../students/imported-student-view.js");
      const all = (await (await context.store()).models.list()).flatMap((m) => {
        const view = studentView(m) ?? importedStudentView(m);
        return view ? [view] : [];
      });
      if (options.json) return context.io.out(JSON.stringify(all, null, 2));
      if (all.length === 0)
        return context.io.out("No students yet: `alambique students train --dataset D --base B --name N`.");
      const header = ["NAME", "BASE", "DATASET", "ENGINE", "VAL LOSS", "BASE VAL LOSS", "LICENCE"];
      const rows = all.map((s) => [
        s.name,
        s.base,
        s.dataset ? `${s.dataset.name}@${s.dataset.version}` : "not recorded",
        s.adapter ? `${s.engine} (LoRA)` : s.engine,
        s.metrics.validationLoss?.toFixed(3) ?? "n/a",
        s.metrics.baseValidationLoss?.toFixed(3) ?? "n/a",
        s.license ?? "unknown",
      ]);
      context.io.out(formatTable([header, ...rows]));
    });

  students
    .command("show <name>")
    .description("a student's provenance: base, dataset, engine, hyper-parameters, losses, licence, file")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const { printStudent, studentView } = await import("../students/student-view.js");
      const { importedStudentView, printImportedStudent } = await import(
        "../students/imported-student-view.js"
      );
      const model = await (await context.store()).models.get(name);
      const view = model && (studentView(model) ?? importedStudentView(model));
      if (!view) {
        const { NotFoundError } = await import("../../spec/errors.js");
        throw new NotFoundError("student", name, "`alambique students list` shows the students");
      }
      if (options.json) return context.io.out(JSON.stringify(view, null, 2));
      if (view.engine === "import") printImportedStudent(context, view);
      else printStudent(context, view);
    });

  students
    .command("import")
    .description(
      "add a LoRA adapter made elsewhere (llama.cpp's convert_lora_to_gguf.py) as a student: served on its base with the adapter applied",
    )
    .requiredOption("--adapter <file>", "the GGUF LoRA adapter (general.type adapter, adapter.type lora)")
    .requiredOption("--base <model>", "the model it was trained from: a catalog name or .gguf file")
    .requiredOption("--name <name>", "the student's name in the catalog")
    .option("--scale <x>", "the adapter's strength (default 1: as trained)", nonNegativeNumber)
    .option("--dataset <name[@version]>", "the frozen dataset it was trained on, to record")
    .option("--allow-license <id>", "import although that licence refuses it (you hold permission; recorded)")
    .option("--json", "print the student as JSON")
    .action(
      async (options: {
        adapter: string;
        base: string;
        name: string;
        scale?: number;
        dataset?: string;
        allowLicense?: string;
        json?: boolean;
      }) => {
        const { importAdapterStudent } = await import(
          "../../distill/training/adapter/import-adapter-student.js"
        );
        const { importedStudentView, printImportedStudent } = await import(
          "../students/imported-student-view.js"
        );
        const { defaultTenant } = await import("../../store/default-tenant.js");
        const { join } = await import("node:path");
        const store = await context.store();
        const { model, warnings } = await importAdapterStudent(store, {
          tenantId: (await defaultTenant(store)).id,
          modelsDir: join(context.config.dataPath, "models"),
          adapter: options.adapter,
          base: options.base,
          name: options.name,
          scale: options.scale,
          dataset: options.dataset,
          allowLicense: options.allowLicense,
        });
        for (const warning of warnings) context.io.err(`warning: ${warning}`);
        const view = importedStudentView(model)!;
        if (options.json) return context.io.out(JSON.stringify(view, null, 2));
        printImportedStudent(context, view);
      },
    );

  students
    .command("remove <name>")
    .description("remove a student from the catalog and delete its GGUF (refused while an agent uses it)")
    .action(async (name: string) => {
      const { removeStudent } = await import("../../distill/training/remove-student.js");
      const removed = await removeStudent(await context.store(), name);
      context.io.out(`removed ${name}${removed.deleted ? ` and ${removed.file}` : ""}`);
    });

  students
    .command("export <name>")
    .description(
      "write the student's GGUF, model card (README.md) and, for ollama, a Modelfile into a folder",
    )
    .requiredOption("--out <dir>", "the folder to write into")
    .addOption(new Option("--format <format>", "what to write").choices(["gguf", "ollama"]).default("ollama"))
    .action(async (name: string, options: { out: string; format: "gguf" | "ollama" }) => {
      const { exportStudent } = await import("../../distill/training/export-student.js");
      const { files } = await exportStudent(await context.store(), name, options.out, options.format);
      for (const file of files) context.io.out(file);
      if (options.format === "ollama") context.io.err(`ollama create ${name} -f ${files.at(-1)}`);
    });

  students
    .command("sidecar-train")
    .description(
      'a trainer sidecar with the built-in engine: train the job folder Alambique wrote for `--engine command` (training.command: [alambique, students, sidecar-train, --job, "{job}"])',
    )
    .option("--job <dir>", "the job folder (default $ALAMBIQUE_TRAINING_JOB)")
    .action(async (options: { job?: string }) => {
      const { sidecarTrain } = await import("../../distill/training/sidecar/sidecar-train.js");
      const { UsageError } = await import("../../spec/errors.js");
      const dir = options.job ?? process.env.ALAMBIQUE_TRAINING_JOB;
      if (!dir) throw new UsageError("no job folder", "pass --job DIR or set ALAMBIQUE_TRAINING_JOB");
      await sidecarTrain(dir);
    });

  registerStudentsPromote(students, context);
}
