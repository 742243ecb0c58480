/**
 * Runs an evaluation job in this process, as `eval run` and `eval resume`
 * do: a progress line on stderr, Ctrl-C pausing the job cleanly, and the
 * scorecard on stdout (a table, or JSON with at least `id`, `gate.passed` and
 * `gate.failures`, which scripts read).
 *
 * Exit codes: 0 when a scorecard was made, whether the gate passed or not (a
 * script reads `gate.passed`); 1 when the job stopped without one; 130 when
 * interrupted with Ctrl-C (the job is paused and can be resumed).
 */
import { type EvalProgress, runEvalJob } from "../../distill/eval/run-eval-job.js";
import type { ModelRegistry } from "../../models/model-registry.js";
import { scorecardSchema } from "../../spec/evaluation.js";
import type { Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { onStopSignal } from "../stop-signals.js";
import { formatDuration } from "../synth/format-synth-report.js";
import { formatScorecard } from "./format-scorecard.js";

export async function runEvalForCli(
  context: CliContext,
  store: Store,
  models: ModelRegistry,
  jobId: string,
  options: { json?: boolean },
): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    context.io.err("interrupted: writing the turns already scored, then pausing the job…");
    controller.abort();
  };
  const stopListening = onStopSignal(onSigint, ["SIGINT"]);
  try {
    const result = await runEvalJob({
      store,
      models,
      jobId,
      signal: controller.signal,
      onProgress: progressPrinter(context),
      onNotice: (message) => context.io.err(message),
    });
    if (result.scorecard) {
      const card = scorecardSchema.parse(result.scorecard.scorecard);
      if (options.json) {
        const { id, version, jobId: job, createdAt } = result.scorecard;
        context.io.out(
          JSON.stringify({ id, version, jobId: job, createdAt, gate: card.gate, scorecard: card }, null, 2),
        );
      } else context.io.out(formatScorecard(result.scorecard, card));
      return;
    }
    if (result.outcome === "interrupted") {
      context.io.err(`job ${jobId} is paused; \`alambique eval resume ${jobId}\` goes on where it stopped`);
      context.exitCode = 130;
      return;
    }
    context.io.err(
      result.error
        ? `error: ${result.error}\n  fix: then run \`alambique eval resume ${jobId}\``
        : `job ${jobId} was ${result.outcome}`,
    );
    context.exitCode = 1;
  } finally {
    stopListening();
  }
}

/** A line on stderr at most every two seconds, and when the phase changes. */
export function progressPrinter(context: CliContext): (p: EvalProgress) => void {
  let last = 0;
  let phase = "";
  return (p) => {
    const now = Date.now();
    if (p.phase === phase && now - last < 2000 && p.done < p.planned) return;
    last = now;
    phase = p.phase;
    if (p.phase !== "replaying")
      return context.io.err(`eval: ${p.phase === "scoring" ? "building the scorecard" : "done"}`);
    const eta = p.etaSeconds === null ? "" : `, eta ${formatDuration(p.etaSeconds * 1000)}`;
    context.io.err(`eval: ${p.done}/${p.planned} turns replayed and judged${eta}`);
  };
}
