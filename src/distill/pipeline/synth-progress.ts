/** What a running synthetic-data job reports, and how a run ends. */

/** How a run ended: `taken_over` when another worker holds the job now. */
export type SynthOutcome = "succeeded" | "paused" | "cancelled" | "interrupted" | "taken_over" | "failed";

export interface SynthProgress {
  phase: "generating" | "finishing";
  planned: number;
  rows: number;
  kept: number;
  dropped: number;
  /** Rows per second in this session. */
  rowsPerSecond: number;
  /** Seconds left at this session's rate; null until a row is written. */
  etaSeconds: number | null;
  /** Running time over all sessions, in ms. */
  elapsedMs: number;
  costUsd: number | null;
}
