// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { DropReason, SynthRow, SynthTask } from "../distill.js";

/** A task of a synthetic-data job's stored plan; `ordinal` is its place in the plan (0, 1, …). */
export interface PlannedTask extends SynthTask {
  ordinal: number;
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/** Rows kept and dropped in one slice (a language, an intent). */
export interface KeptDropped {
  kept: number;
  dropped: number;
}

/** What a synthetic-data job has produced so far, from its stored rows. */
export interface SynthCounts {
  /** Tasks in the plan (0 before planning). */
  planned: number;
  /** Rows written, kept and dropped. */
  rows: number;
  kept: number;
  /** Dropped rows per reason; reasons with no rows are absent. */
  dropped: Partial<Record<DropReason, number>>;
  /** By `provenance.language` and by `intent`. */
  byLanguage: Record<string, KeptDropped>;
  byIntent: Record<string, KeptDropped>;
  /** Sums over the rows: the teacher's (`row.usage`) and the judge's. */
  usage: { teacher: TokenCounts; judge: TokenCounts };
}

/**
 * The rows of synthetic-data jobs (`jobs` of kind `synth`). A job's plan is
 * stored once; each planned task then gets exactly one row (kept, or
 * dropped with a reason), so a killed worker resumes with `pendingTasks` and
 * never writes a row twice. Rows go with their job.
 */
export interface SynthRepository {
  /**
   * Stores a job's plan, in order, all at once. StoreError(check) when the job
   * already has one; `unique` when two tasks share a key; `foreign_key` when
   * the job does not exist; ValidationError for an empty key or a cell that is
   * not an object.
   */
  putPlan(jobId: string, tasks: SynthTask[]): Promise<void>;
  /** Planned tasks that have no row yet, in plan order, after `afterOrdinal`; `limit` 1..10000. */
  pendingTasks(jobId: string, options: { afterOrdinal?: number; limit: number }): Promise<PlannedTask[]>;
  /**
   * Writes the row of a planned task unless the job already has a row with
   * that key (a resumed or raced worker): the first write wins, and the
   * result says whether this one was written. `judgeUsage` is the judge's
   * tokens for it. ValidationError when the row does not match
   * `synthRowSchema`; StoreError(foreign_key) when the key is not in the plan.
   */
  putRow(jobId: string, row: SynthRow, judgeUsage?: TokenCounts): Promise<boolean>;
  /** Replaces a written row (a later judgement, a duplicate found). NotFoundError when absent. */
  updateRow(jobId: string, row: SynthRow): Promise<void>;
  getRow(jobId: string, key: string): Promise<SynthRow | undefined>;
  /**
   * Rows in key order (code-unit order for ASCII keys), only kept or only
   * dropped ones if asked, after `afterKey`; all of them without `limit`.
   */
  listRows(
    jobId: string,
    options?: { status?: "kept" | "dropped"; afterKey?: string; limit?: number },
  ): Promise<SynthRow[]>;
  /** Zeros for a job with no plan or rows (also an unknown job). */
  counts(jobId: string): Promise<SynthCounts>;
}
