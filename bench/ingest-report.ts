/**
 * The tables of bench/ingest.ts. Every figure is the median over rounds with
 * the rounds' range (`formatSpread`); every ratio is the median of the
 * per-round ratios, each taken between two measurements of the same round.
 */
import type { FirstAnswerSample } from "./ingest-first-answer.js";
import type { RateSample, RateSide } from "./ingest-rate.js";
import type { ServingSample } from "./ingest-serving.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, spread } from "./lib/spread.js";
import { percentile } from "./lib/stats.js";

const kb = (bytes: number) => (bytes / 1024).toFixed(0);
const rounds = <T extends { round: number }>(samples: readonly T[]) => [
  ...new Set(samples.map((s) => s.round)),
];
const f = (values: number[], digits = 0) => formatSpread(spread(values), digits);

/** Per round, `value(a) / value(b)` for the two samples picked from that round. */
function ratios<T extends { round: number }>(
  samples: readonly T[],
  a: (s: T) => boolean,
  b: (s: T) => boolean,
  value: (s: T) => number,
): number[] {
  return rounds(samples).flatMap((round) => {
    const x = samples.find((s) => s.round === round && a(s));
    const y = samples.find((s) => s.round === round && b(s));
    return x && y ? [value(x) / value(y)] : [];
  });
}

const sideNames: Record<RateSide, string> = {
  ours: "ingestSources (kept worker)",
  txt: "same words as .txt",
  fresh: "a worker per document (before)",
  here: "no worker (this thread)",
  raw: "read + hash only",
};

export function rateTable(samples: readonly RateSample[]): string {
  const formats = [...new Set(samples.map((s) => s.format))];
  const ms = (s: RateSample) => s.ms;
  const rows = formats.flatMap((format) =>
    (Object.keys(sideNames) as RateSide[]).flatMap((side) => {
      const of = samples.filter((s) => s.format === format && s.side === side);
      if (of.length === 0) return [];
      const ratio = ratios(
        samples,
        (s) => s.format === format && s.side === side,
        (s) => s.format === format && s.side === "ours",
        ms,
      );
      return [
        [
          side === "ours" ? format : "",
          sideNames[side],
          kb(of[0]!.bytes),
          side === "raw" ? "" : String(of[0]!.chunks),
          f(of.map(ms), side === "raw" ? 1 : 0),
          f(of.map((s) => s.bytes / 1024 / (s.ms / 1000))),
          f(of.map((s) => s.cpuMs)),
          side === "ours" ? "" : f(ratio, 2),
        ],
      ];
    }),
  );
  return formatTable(
    [["format", "path", "KB", "chunks", "ms", "KB/s", "CPU ms", "ms ÷ ingestSources"], ...rows],
    [0, 1],
  );
}

export function firstAnswerTable(samples: readonly FirstAnswerSample[]): string {
  const formats = [...new Set(samples.map((s) => s.format))];
  const rows = formats.map((format) => {
    const ours = samples.filter((s) => s.format === format && s.side === "ours");
    const txt = samples.filter((s) => s.format === format && s.side === "txt");
    return [
      format,
      kb(ours[0]!.bytes),
      f(ours.map((s) => s.uploadMs)),
      f(
        ours.map((s) => s.answerMs),
        1,
      ),
      f(ours.map((s) => s.totalMs)),
      String(Math.max(...ours.map((s) => s.tries))),
      f(txt.map((s) => s.totalMs)),
      f(
        ratios(
          samples,
          (s) => s.format === format && s.side === "ours",
          (s) => s.format === format && s.side === "txt",
          (s) => s.totalMs,
        ),
        2,
      ),
    ];
  });
  return formatTable([
    [
      "format",
      "KB",
      "upload ms",
      "then answer ms",
      "upload → cited answer ms",
      "max tries",
      "same words as .txt: ms",
      "ratio",
    ],
    ...rows,
  ]);
}

export function servingTable(samples: readonly ServingSample[], rate: number): string {
  const windows = ["idle", "busy"] as const;
  const stat = (s: ServingSample, p: number) =>
    s.latencies.length ? percentile(s.latencies, p) : Number.NaN;
  const rows = windows.map((window) => {
    const of = samples.filter((s) => s.window === window);
    const ratio = (p: number) =>
      window === "idle"
        ? ""
        : f(
            ratios(
              samples,
              (s) => s.window === "busy",
              (s) => s.window === "idle",
              (s) => stat(s, p),
            ),
            2,
          );
    return [
      window === "busy" ? "ingesting (PDF + HTML uploads)" : "nothing ingesting",
      f(of.map((s) => s.ms)),
      String(of.reduce((sum, s) => sum + s.latencies.length, 0)),
      String(of.reduce((sum, s) => sum + s.failed, 0)),
      f(
        of.map((s) => stat(s, 50)),
        1,
      ),
      f(
        of.map((s) => stat(s, 99)),
        1,
      ),
      f(
        of.map((s) => Math.max(...s.latencies)),
        1,
      ),
      ratio(50),
      ratio(99),
    ];
  });
  const busy = samples.filter((s) => s.window === "busy");
  const uploads = [...new Set(busy.flatMap((s) => s.uploads.map((u) => u.name)))].map((name) => {
    const of = busy.flatMap((s) => s.uploads.filter((u) => u.name === name));
    return `${name}: ${of.length} uploads, ${f(of.map((u) => u.ms))} ms each, ${of[0]?.chunks} chunks`;
  });
  return `${formatTable([
    [
      `turns at ${rate}/s (open loop)`,
      "window ms",
      "turns",
      "failed",
      "p50 ms",
      "p99 ms",
      "max ms",
      "p50 ÷ idle",
      "p99 ÷ idle",
    ],
    ...rows,
  ])}\nuploads while busy: ${uploads.join("; ")}`;
}
