/**
 * The run report of a synthetic-data job as a person reads it: totals, drops
 * per reason, the per-language and per-intent table, tokens, cost and time.
 */
import type { SynthReport } from "../../distill/pipeline/synth-report.js";
import type { KeptDropped } from "../../spec/store.js";
import { formatCount, formatTable } from "../format-table.js";

export function formatSynthReport(report: SynthReport): string {
  const lines: string[] = [];
  const dropped = Object.values(report.dropped).reduce((a, b) => a + (b ?? 0), 0);
  lines.push(
    `job ${report.jobId}: ${report.status}${report.error ? ` (${report.error})` : ""}`,
    `  agent ${report.agent}, teacher ${report.teacher}${report.judge ? `, judge ${report.judge}` : ", no judge"}` +
      `, licence ${report.license.licenseId ?? "unknown"}${report.license.override ? " (overridden with --allow-license)" : ""}`,
    `  rows ${report.rows}/${report.planned}: ${report.kept} kept, ${dropped} dropped`,
  );
  const reasons = Object.entries(report.dropped).sort(([a], [b]) => a.localeCompare(b));
  if (reasons.length > 0)
    lines.push(`  dropped: ${reasons.map(([reason, n]) => `${reason} ${n}`).join(", ")}`);
  const t = report.tokens;
  lines.push(
    `  tokens: teacher ${formatCount(t.teacher.inputTokens)} in / ${formatCount(t.teacher.outputTokens)} out` +
      (report.judge
        ? `, judge ${formatCount(t.judge.inputTokens)} in / ${formatCount(t.judge.outputTokens)} out`
        : ""),
    `  cost: ${formatUsd(report.costUsd.total)}${report.costUsd.total === null ? " (a model has no price: `alambique models add … --price-input/--price-output`)" : ""}`,
    `  time: ${formatDuration(report.wallMs)}${report.rowsPerSecond === null ? "" : `, ${report.rowsPerSecond.toFixed(2)} rows/s`}`,
  );
  const table = (title: string, slices: Record<string, KeptDropped>) => [
    [title, "KEPT", "DROPPED"],
    ...Object.entries(slices)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => [name, String(n.kept), String(n.dropped)]),
  ];
  if (Object.keys(report.byLanguage).length > 0)
    lines.push("", formatTable(table("LANGUAGE", report.byLanguage)));
  if (Object.keys(report.byIntent).length > 0) lines.push("", formatTable(table("INTENT", report.byIntent)));
  return lines.join("\n");
}

export function formatUsd(value: number | null): string {
  if (value === null) return "unknown";
  return value < 0.01 ? `$${value.toFixed(6)}` : `$${value.toFixed(2)}`;
}

export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${Math.round(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
