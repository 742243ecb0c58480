import type { StudentProvenance } from "../../spec/students.js";

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
    ...(p.license.attribution.length > 0 ? [...p.license.attribution.map((a) => `**${a}**`), ""] : []),
    "## Licence",
    "",
    `- Licence: ${p.license.id ?? "unknown"} (inherited from the base)${p.license.url ? ` — ${p.license.url}` : ""}`,
    ...p.license.conditions.map((c) => `- Condition: ${c}`),
    ...(p.license.override
      ? [`- Allowed past a licence refusal with \`--allow-license ${p.license.override}\``]
      : []),
    `- Openness: weights ${input.openness.weights ?? "unknown"}, data ${input.openness.data ?? "unknown"}, code ${input.openness.code ?? "unknown"}`,
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
