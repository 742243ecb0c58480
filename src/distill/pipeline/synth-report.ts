/**
 * The run report of a synthetic-data job: rows kept and dropped per reason,
 * per language and per intent, tokens and cost per model, and wall time —
 * built from the stored rows (the source of truth) and the job's checkpoint.
 */
import { priced } from "../../models/catalog/model-prices.js";
import type { DropReason } from "../../spec/distill.js";
import type { Job, JobStatus, KeptDropped, ModelRecord, SynthCounts, TokenCounts } from "../../spec/store.js";
import { readSynthCheckpoint, type SynthJobPayload, type SynthLicense } from "./synth-job-payload.js";

export interface SynthReport {
  jobId: string;
  status: JobStatus;
  error: string | null;
  agent: string;
  teacher: string;
  judge: string | null;
  license: SynthLicense;
  planned: number;
  rows: number;
  kept: number;
  dropped: Partial<Record<DropReason, number>>;
  byLanguage: Record<string, KeptDropped>;
  byIntent: Record<string, KeptDropped>;
  tokens: { teacher: TokenCounts; judge: TokenCounts };
  /** US dollars from the catalog's prices per million tokens; null where a model has none. */
  costUsd: { teacher: number | null; judge: number | null; total: number | null };
  /** Running time summed over every worker session, in ms. */
  wallMs: number;
  /** Rows per second of running time; null before the first row. */
  rowsPerSecond: number | null;
  datasetId: string | null;
}

export function buildSynthReport(
  job: Job,
  payload: SynthJobPayload,
  counts: SynthCounts,
  prices: { teacher: ModelRecord | null; judge: ModelRecord | null },
): SynthReport {
  const checkpoint = readSynthCheckpoint(job.checkpoint);
  const cost = synthCost(counts.usage, prices, payload.judge !== null);
  return {
    jobId: job.id,
    status: job.status,
    error: job.error,
    agent: payload.agent.name,
    teacher: payload.teacher,
    judge: payload.judge,
    license: payload.license,
    planned: counts.planned || payload.count,
    rows: counts.rows,
    kept: counts.kept,
    dropped: counts.dropped,
    byLanguage: counts.byLanguage,
    byIntent: counts.byIntent,
    tokens: counts.usage,
    costUsd: cost,
    wallMs: checkpoint.elapsedMs,
    rowsPerSecond:
      checkpoint.elapsedMs > 0 && counts.rows > 0 ? counts.rows / (checkpoint.elapsedMs / 1000) : null,
    datasetId: checkpoint.datasetId,
  };
}

/** Cost of the tokens at each model's catalog price; a judge that was not used costs 0. */
export function synthCost(
  usage: SynthCounts["usage"],
  prices: { teacher: ModelRecord | null; judge: ModelRecord | null },
  hasJudge: boolean,
): SynthReport["costUsd"] {
  const teacher = priced(usage.teacher, prices.teacher);
  const judge = hasJudge ? priced(usage.judge, prices.judge) : 0;
  return { teacher, judge, total: teacher === null || judge === null ? null : teacher + judge };
}
