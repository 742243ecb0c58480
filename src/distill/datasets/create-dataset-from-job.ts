/**
 * Turns a finished synthetic-data job into the next version of a dataset:
 * its kept rows, in key order, split train/validation/test stratified by
 * intent (deterministic by seed); then the train and validation rows that are
 * near-duplicates of a test row are dropped as `contaminated` (in the job's
 * rows too, so the run report counts them); then the card (source agent,
 * teacher and judge with their licences, filters, counts, languages, content
 * hash) and the rows are stored in one call. The dataset starts unfrozen.
 *
 * Idempotent per job: when a dataset made from this job exists, it is returned.
 */

import type { Split, SynthRow } from "../../spec/distill.js";
import type { Dataset, NewDatasetCard, Store } from "../../spec/store.js";
import { decontaminate } from "../dedup/decontaminate.js";
import { datasetContentHash } from "./content-hash.js";
import { assignSplits, type SplitShares } from "./stratified-splits.js";

export interface DatasetFromJobInput {
  tenantId: string;
  jobId: string;
  name: string;
  shares: SplitShares;
  agent: string;
  teacher: NewDatasetCard["teacher"];
  judge: NewDatasetCard["judge"];
  /** What filtered the rows, for the card (thresholds, dedup, seed). */
  filters: NewDatasetCard["filters"];
  /** Drop train/validation rows too close to a test row. Default true. */
  decontaminate?: boolean;
}

export async function createDatasetFromJob(store: Store, input: DatasetFromJobInput): Promise<Dataset> {
  const existing = (await store.datasets.list(input.tenantId, { name: input.name })).find(
    (dataset) => dataset.jobId === input.jobId,
  );
  if (existing) return existing;

  const kept = await store.synth.listRows(input.jobId, { status: "kept" });
  let assigned = assignSplits(kept, input.shares);
  if (input.decontaminate !== false) {
    const heldOut = assigned.filter((entry) => entry.split === "test").map((entry) => entry.row);
    const candidates = assigned.filter((entry) => entry.split !== "test");
    const { rows: checked } = decontaminate(
      candidates.map((entry) => entry.row),
      heldOut,
    );
    const contaminated = checked.filter((row) => row.dropped !== null);
    for (const row of contaminated) await store.synth.updateRow(input.jobId, row);
    const gone = new Set(contaminated.map((row) => row.key));
    assigned = assigned.filter((entry) => !gone.has(entry.row.key));
  }

  const counts = await store.synth.counts(input.jobId);
  const card: NewDatasetCard = {
    agent: input.agent,
    teacher: input.teacher,
    judge: input.judge,
    filters: {
      ...input.filters,
      seed: input.shares.seed,
      validationShare: input.shares.validation,
      testShare: input.shares.test,
      decontaminated: input.decontaminate !== false,
    },
    counts: { ...splitCounts(assigned), dropped: counts.dropped as Record<string, number> },
    languages: [...new Set(assigned.map((entry) => entry.row.provenance.language))].sort(),
    contentHash: datasetContentHash(assigned),
  };
  return store.datasets.create({
    tenantId: input.tenantId,
    name: input.name,
    jobId: input.jobId,
    card,
    rows: assigned,
  });
}

function splitCounts(rows: { split: Split; row: SynthRow }[]): Record<Split, number> {
  const counts: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  for (const { split } of rows) counts[split]++;
  return counts;
}
