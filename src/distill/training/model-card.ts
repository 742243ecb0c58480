import type { StudentProvenance } from "../../spec/students.js";

type Openness = { weights: string | null; data: string | null; code: string | null };

/** The attribution, "Licence" section and openness line every model card carries (the base's licence). */
export function licenceLines(license: StudentProvenance["license"], openness: Openness): string[] {
  return [
    ...(license.attribution.length > 0 ? [...license.attribution.map((a) => `**${a}**`), ""] : []),
    "## Licence",
    "",
    `- Licence: ${license.id ?? "unknown"} (inherited from the base)${license.url ? ` — ${license.url}` : ""}`,
    ...license.conditions.map((c) => `- Condition: ${c}`),
    ...(license.override
      ? [`- Allowed past a licence refusal with \`--allow-license ${license.override}\``]
      : []),
    `- Openness: weights ${openness.weights ?? "unknown"}, data ${openness.data ?? "unknown"}, code ${openness.code ?? "unknown"}`,
  ];
}

/**
 * The model card (Markdown) written beside an exported student: what it is,
 * where it came from (base, dataset and its hash, teacher and judge), its
 * licence with the conditions and attribution it carries, how open it is, how
 * it was trained and how well (losses per epoch against the base's).
 */
export function modelCard(input: {
  name: string;
  file: string;
  provenance: StudentProvenance;
  openness: { weights: string | null; data: string | null; code: string | null };
}): string {
  const p = input.provenance;
  const d = p.dataset;
  const h = p.hyperparameters;
  const m = p.metrics;
  const loss = (value: number | null) => (value === null ? "n/a" : value.toFixed(4));
  const lines = [
    `# ${input.name}`,
    "",
    `A student model: \`${p.base.name}\` fine-tuned by Alambique on the dataset ` +
      `\`${d.name}@${d.version}\` with llama.cpp's own trainer (${p.engineVersion}).`,
    "",
    ...licenceLines(p.license, input.openness),
    "",
    "## Provenance",
    "",
    "| | |",
    "| --- | --- |",
    `| base | \`${p.base.name}\` (licence ${p.base.licenseId ?? "unknown"}) |`,
    `| dataset | \`${d.name}@${d.version}\`, sha256 \`${d.sha256 ?? "unknown"}\` |`,
    `| rows | ${d.rows.train} train, ${d.rows.validation} ${d.validationSplit} |`,
    `| tokens | ${d.tokens.train} train, ${d.tokens.validation} validation |`,
    `| teacher | \`${d.teacher.name}\` (licence ${d.teacher.licenseId ?? "unknown"}${d.teacher.licenseOverride ? `, allowed with --allow-license ${d.teacher.licenseOverride}` : ""}) |`,
    `| judge | ${d.judge ? `\`${d.judge.name}\` (licence ${d.judge.licenseId ?? "unknown"})` : "none"} |`,
    `| file | \`${input.file}\`, sha256 \`${p.sha256}\` |`,
    `| trained | ${p.trainedAt}, ${p.durationSeconds.toFixed(1)} s on ${p.machine.platform}-${p.machine.arch} (${p.machine.cpus} CPUs), job ${p.job.id} |`,
    "",
    "## Training",
    "",
    p.engine === "builtin"
      ? `Full fine-tuning, AdamW, learning rate ${h.learningRate}, ${h.epochs} epochs, ${h.contextLength}-token windows, ` +
        `${h.threads} threads, loss on ${h.lossOn === "assistant" ? "the assistant's tokens only" : "whole conversations"}.`
      : `Trained by the operator's trainer command \`${(p.command ?? []).join(" ")}\` (asked for: learning rate ${h.learningRate}, ${h.epochs} epochs, ${h.contextLength}-token sequences).`,
    ...(p.adapter
      ? [
          "",
          `The trainer left a LoRA adapter (rank ${p.adapter.rank}, alpha ${p.adapter.alpha ?? "none"}, ${p.adapter.tensors} matrices): \`${input.file}\` is the adapter, applied to the base at scale ${p.adapter.scale} (llama.cpp's \`--lora\`, Ollama's \`ADAPTER\`).`,
        ]
      : []),
    ...(p.quantization
      ? [
          "",
          `Quantized to ${p.quantization.type} with llama.cpp's llama_model_quantize (from sha256 \`${p.quantization.sourceSha256}\`).`,
        ]
      : []),
    "",
    "## Metrics",
    "",
    `Validation loss ${loss(m.validationLoss)} nats/token (base ${loss(m.baseValidationLoss)}); on the assistant's tokens ` +
      `${loss(m.epochs.at(-1)?.assistantValidationLoss ?? null)} (base ${loss(m.baseAssistantValidationLoss)}).`,
    "",
    "| epoch | train loss | validation loss | assistant validation loss | tokens/s |",
    "| --- | --- | --- | --- | --- |",
    ...m.epochs.map(
      (e) =>
        `| ${e.epoch} | ${e.trainLoss.toFixed(4)} | ${e.validationLoss.toFixed(4)} | ${loss(e.assistantValidationLoss)} | ${e.tokensPerSecond.toFixed(0)} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
