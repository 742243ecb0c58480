/**
 * Stores rows read from an export (OpenAI chat, ShareGPT, HF folder) as the
 * next version of a dataset. The card comes from the imported folder when it
 * had one (its agent, teacher, judge and filters), else says the rows were
 * imported; counts, languages and the content hash are always recomputed
 * from the rows actually imported.
 */
import type { DatasetCard, Split, SynthRow } from "../../spec/distill.js";
import { ValidationError } from "../../spec/errors.js";
import type { Dataset, NewDatasetCard, Store } from "../../spec/store.js";
import { datasetContentHash } from "./content-hash.js";

export interface ImportedDatasetInput {
  tenantId: string;
  name: string;
  rows: { split: Split; row: SynthRow }[];
  /** The card found beside the rows, if any. */
  card: DatasetCard | undefined;
  /** What was imported, for the card's filters: format, path, lines skipped. */
  source: { format: string; path: string; skippedLines: number };
}

/** Throws ValidationError when there is no row to import. */
export async function createImportedDataset(store: Store, input: ImportedDatasetInput): Promise<Dataset> {
  if (input.rows.length === 0) {
    throw new ValidationError(
      `no rows to import from ${input.source.path}`,
      [{ path: ["rows"], message: "empty" }],
      "Check the path and the --format: every split file was empty or unreadable.",
    );
  }
  const counts: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  for (const { split } of input.rows) counts[split]++;
  const card: NewDatasetCard = {
    agent: input.card?.agent ?? "imported",
    teacher: input.card?.teacher ?? { name: "unknown", licenseId: null },
    judge: input.card?.judge ?? null,
    filters: {
      ...(input.card?.filters ?? {}),
      importedFormat: input.source.format,
      importedFrom: input.source.path,
      importSkippedLines: input.source.skippedLines,
    },
    counts: { ...counts, dropped: input.card?.counts.dropped ?? {} },
    languages: [...new Set(input.rows.map((entry) => entry.row.provenance.language))].sort(),
    contentHash: datasetContentHash(input.rows),
  };
  return store.datasets.create({
    tenantId: input.tenantId,
    name: input.name,
    jobId: null,
    card,
    rows: input.rows,
  });
}
