import type { ImportedStudent } from "../../../spec/students.js";
import { licenceLines } from "../model-card.js";

/**
 * The model card (Markdown) of a student imported as a LoRA adapter: what it
 * is (an adapter on its base, not a whole model), where it came from, and the
 * licence it carries (the base's, with the dataset's teacher's terms when the
 * dataset was recorded).
 */
export function importedModelCard(input: {
  name: string;
  file: string;
  provenance: ImportedStudent;
  openness: { weights: string | null; data: string | null; code: string | null };
}): string {
  const p = input.provenance;
  const a = p.adapter;
  return [
    `# ${input.name}`,
    "",
    `A LoRA adapter (rank ${a.rank}, alpha ${a.alpha ?? "none"}, ${a.tensors} matrices) for \`${p.base.name}\`, ` +
      `imported into Alambique. \`${input.file}\` is the adapter only: apply it to the base at scale ${a.scale} ` +
      "(llama.cpp's `--lora`, Ollama's `ADAPTER`).",
    "",
    ...licenceLines(p.license, input.openness),
    "",
    "## Provenance",
    "",
    "| | |",
    "| --- | --- |",
    `| base | \`${p.base.name}\` (licence ${p.base.licenseId ?? "unknown"}) |`,
    `| dataset | ${p.dataset ? `\`${p.dataset.name}@${p.dataset.version}\`, sha256 \`${p.dataset.sha256 ?? "unknown"}\`` : "not recorded"} |`,
    `| file | \`${input.file}\`, sha256 \`${a.sha256}\` |`,
    `| imported | ${p.importedAt} |`,
    "",
  ].join("\n");
}
