/**
 * The contract between the synthetic-data engine (`runSynthJob`, this folder)
 * and the generation steps (`src/distill/steps`, `src/distill/judge`).
 *
 * The engine plans a job once (`PlanTasks`), stores the plan, and then runs
 * each task that has no row yet (`RunTask`, then `JudgeRow` when the job has a
 * judge), with bounded concurrency, retries and a per-call timeout, writing
 * each finished row at once. So a step must be:
 * - deterministic in what it plans: same context and seed ⇒ same tasks, same
 *   keys, in the same order (a killed run is resumed from the stored plan, but
 *   an uninterrupted run with the same seed must plan the same keys);
 * - one row per task, with the task's key (the engine checks it);
 * - calm about model nonsense: JSON that does not match is retried or becomes
 *   a row dropped as `invalid_output`, never an exception. Throw only for what
 *   a retry may cure (the engine retries `retryable` errors: 429, 5xx,
 *   timeouts) or what nothing will (it drops the row as `teacher_failed`).
 * - obedient to `ctx.signal`: pass it to every model call and tool.
 */
import type { LoadedAgent } from "../../agents/index.js";
import type { NetworkPolicy } from "../../agents/tools/public-network.js";
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import type { Retriever } from "../../spec/knowledge.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { Store, TokenCounts } from "../../spec/store.js";

export type { SynthTask };

export type TokenUsage = TokenCounts;

export interface SynthContext {
  store: Store;
  tenantId: string;
  agent: LoadedAgent;
  /**
   * The teacher and the judge. Both are metered by the engine: every token
   * they report is counted for the task that made the call, and the engine
   * sets the row's `usage` to the teacher's total over all attempts. Do not
   * report their usage with `addUsage`.
   */
  teacher: LanguageModelV3;
  /** Catalog name of the teacher, for `provenance.teacher`. */
  teacherName: string;
  judge?: LanguageModelV3;
  /**
   * Where the agent's webhooks and MCP servers may connect while the teacher plays it: `public` for every
   * tenant but the operator's (the rule serving applies: `public-network.ts`). Absent: `public`.
   */
  network?: NetworkPolicy;
  /** The agent's own retrieval (BM25, plus vectors when it has an embedding model). */
  retriever: Retriever;
  /** The job's seed. Derive per-task seeds with `taskSeed` so that concurrency does not change results. */
  seed: number;
  /** Languages asked for (ISO 639-1), e.g. ["es", "en"]. */
  languages: string[];
  /** Aborted when the job is paused, cancelled, interrupted, or this attempt timed out. */
  signal: AbortSignal;
  /** Usage of model calls that did not go through `teacher` or `judge` (counted as the teacher's). */
  addUsage(usage: TokenUsage): void;
}

/** Plans the deterministic list of tasks for `count` rows (same seed ⇒ same tasks, same keys). */
export type PlanTasks = (ctx: SynthContext, count: number) => Promise<SynthTask[]>;

/** Produces one row for a task (kept, or dropped with a reason); never throws for model nonsense. */
export type RunTask = (ctx: SynthContext, task: SynthTask) => Promise<SynthRow>;

/** Judges a row (sets `judgement`, or `dropped` with the reason). Called only for kept rows. */
export type JudgeRow = (ctx: SynthContext, row: SynthRow) => Promise<SynthRow>;

/** What the engine runs; `judge` only when the job names a judge model. */
export interface SynthSteps {
  plan: PlanTasks;
  run: RunTask;
  judge?: JudgeRow;
}

/**
 * A 31-bit seed for one task (and one attempt), from the job's seed and the
 * task's key: the same on every run and in any order (FNV-1a, then mixed).
 */
export function taskSeed(seed: number, key: string, attempt = 0): number {
  let hash = 0x811c9dc5 ^ (seed | 0) ^ Math.imul(attempt | 0, 0x9e3779b1);
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) & 0x7fffffff;
}
