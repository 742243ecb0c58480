import type { ModelRecord } from "../../spec/store.js";
import { studentProvenanceSchema } from "../../spec/students.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";

export type StudentView = NonNullable<ReturnType<typeof studentView>>;

/** What `students show --json` prints; scripts rely on these keys. Undefined for a model that is not a student. */
export function studentView(model: ModelRecord) {
  const provenance = studentProvenanceSchema.safeParse(model.metadata.student);
  if (!provenance.success) return undefined;
  const p = provenance.data;
  return {
    name: model.name,
    base: p.base.name,
    dataset: p.dataset,
    engine: p.engine,
    engineVersion: p.engineVersion,
    command: p.command ?? null,
    quantization: p.quantization ?? null,
    license: model.licenseId,
    licenseDetails: p.license,
    metrics: p.metrics,
    hyperparameters: p.hyperparameters,
    // An adapter student's own file is its adapter; what llama.cpp loads under it is `baseFile`.
    file: p.adapter?.file ?? model.source.replace(/^gguf:/, ""),
    baseFile: p.base.file,
    adapter: p.adapter ?? null,
    sha256: p.sha256,
    job: p.job,
    durationSeconds: p.durationSeconds,
    machine: p.machine,
    trainedAt: p.trainedAt,
  };
}

const loss = (value: number | null) => (value === null ? "n/a" : value.toFixed(4));

export function printStudent(context: CliContext, s: StudentView): void {
  const h = s.hyperparameters;
  const d = s.dataset;
  const l = s.licenseDetails;
  context.io.out(
    formatTable([
      ["student", s.name],
      ["base", s.base],
      [
        "dataset",
        `${d.name}@${d.version} (sha256 ${d.sha256 ?? "unknown"}), ${d.rows.train} train rows, ` +
          `${d.rows.validation} ${d.validationSplit} rows, ${d.tokens.train} + ${d.tokens.validation} tokens`,
      ],
      [
        "teacher",
        `${d.teacher.name}, licence ${d.teacher.licenseId ?? "unknown"}` +
          (d.teacher.licenseOverride ? ` (allowed with --allow-license ${d.teacher.licenseOverride})` : ""),
      ],
      ["judge", d.judge ? `${d.judge.name}, licence ${d.judge.licenseId ?? "unknown"}` : "none"],
      [
        "engine",
        `${s.engine} (${s.engineVersion}): AdamW lr ${h.learningRate}, ${h.epochs} epochs, ${h.contextLength}-token windows, ` +
          `${h.threads} threads, loss on ${h.lossOn === "assistant" ? "the assistant's tokens" : "whole conversations"}`,
      ],
      ...(s.command ? [["command", JSON.stringify(s.command)]] : []),
      ...(s.quantization
        ? [
            [
              "quantized",
              `${s.quantization.type}: ${s.quantization.bytesBefore} → ${s.quantization.bytesAfter} bytes (from sha256 ${s.quantization.sourceSha256})`,
            ],
          ]
        : []),
      ["validation loss", `${loss(s.metrics.validationLoss)} (base ${loss(s.metrics.baseValidationLoss)})`],
      [
        "assistant val loss",
        `${loss(s.metrics.epochs.at(-1)?.assistantValidationLoss ?? null)} (base ${loss(s.metrics.baseAssistantValidationLoss)})`,
      ],
      ["train loss", loss(s.metrics.trainLoss)],
      [
        "epochs (train/val)",
        s.metrics.epochs
          .map((e) => `${e.epoch}: ${e.trainLoss.toFixed(3)}/${e.validationLoss.toFixed(3)}`)
          .join(", "),
      ],
      ["licence", `${s.license ?? "unknown"} (the base's)${l.url ? ` ${l.url}` : ""}`],
      ...l.conditions.map((c) => ["condition", c]),
      ...(l.attribution.length > 0 ? [["attribution", l.attribution.join("; ")]] : []),
      ...(l.override ? [["licence override", `--allow-license ${l.override}`]] : []),
      ["job", `${s.job.id} (${s.job.sessions} session${s.job.sessions === 1 ? "" : "s"})`],
      [
        "duration",
        `${s.durationSeconds.toFixed(1)} s on ${s.machine.platform}-${s.machine.arch}, ${s.machine.cpus} CPUs`,
      ],
      ...(s.adapter
        ? [
            [
              "adapter",
              `LoRA rank ${s.adapter.rank}, alpha ${s.adapter.alpha ?? "none"}, ${s.adapter.tensors} matrices, scale ${s.adapter.scale}, served on ${s.baseFile}`,
            ],
          ]
        : []),
      ["file", s.file],
      ["sha256", s.sha256],
    ]),
  );
}
