/**
 * The running counts of one worker's session on a job — rows, kept, dropped,
 * tokens per model — started from the stored rows and moved with every
 * committed row, so the checkpoint and the progress line need no query.
 */
import type { SynthCounts, TokenCounts } from "../../spec/store.js";
import type { ProducedRow } from "./produce-row.js";

export class SynthTallies {
  planned = 0;
  rows = 0;
  kept = 0;
  dropped = 0;
  /** Rows this session committed. */
  written = 0;
  readonly usage = { teacher: zero(), judge: zero() };

  /** Starts again from what the store counts. */
  load(counts: SynthCounts): void {
    this.planned = counts.planned;
    this.rows = counts.rows;
    this.kept = counts.kept;
    this.dropped = counts.rows - counts.kept;
    Object.assign(this.usage.teacher, counts.usage.teacher);
    Object.assign(this.usage.judge, counts.usage.judge);
  }

  /** Counts a committed row (1), or takes back one whose commit failed (-1). */
  count({ row, judgeUsage }: ProducedRow, sign: 1 | -1): void {
    this.rows += sign;
    this.written += sign;
    if (row.dropped === null) this.kept += sign;
    else this.dropped += sign;
    add(this.usage.teacher, row.usage, sign);
    add(this.usage.judge, judgeUsage, sign);
  }

  /** Share of the plan done, 0..1. */
  fraction(): number {
    return this.planned > 0 ? Math.min(1, this.rows / this.planned) : 0;
  }

  usageCopy(): { teacher: TokenCounts; judge: TokenCounts } {
    return { teacher: { ...this.usage.teacher }, judge: { ...this.usage.judge } };
  }
}

function zero(): TokenCounts {
  return { inputTokens: 0, outputTokens: 0 };
}

function add(into: TokenCounts, usage: TokenCounts, sign: 1 | -1): void {
  into.inputTokens += sign * usage.inputTokens;
  into.outputTokens += sign * usage.outputTokens;
}
