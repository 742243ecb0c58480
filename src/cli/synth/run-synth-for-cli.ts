/**
 * Runs a synthetic-data job in this process, as `synth run` and `synth
 * resume` do: the generation steps, a progress line on stderr (rows, rate,
 * ETA, cost), Ctrl-C pausing the job cleanly, and the run report on stdout.
 *
 * Exit codes: 0 when the job succeeded or an operator paused it; 1 when it
 * was cancelled, failed, or stopped on an error (a full disk); 130 when
 * interrupted with Ctrl-C (the job is paused and can be resumed).
 */
import { join } from "node:path";
import { defaultSynthSteps } from "../../distill/pipeline/default-synth-steps.js";
import { runSynthJob, type SynthProgress } from "../../distill/pipeline/run-synth-job.js";
import { synthJobPayloadSchema } from "../../distill/pipeline/synth-job-payload.js";
import { ModelRegistry } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { onStopSignal } from "../stop-signals.js";
import { formatDuration, formatSynthReport, formatUsd } from "./format-synth-report.js";

export function synthModelRegistry(context: CliContext, store: Store): ModelRegistry {
  const registry = new ModelRegistry({
    store,
    declared: context.config.models,
    env: context.env,
    modelsDir: join(context.config.dataPath, "models"),
    llamacpp: { logger: context.logger },
  });
  context.onClose(() => registry.dispose());
  return registry;
}

export async function runSynthForCli(
  context: CliContext,
  store: Store,
  models: ModelRegistry,
  jobId: string,
  options: { json?: boolean },
): Promise<void> {
  const job = (await store.jobs.get(jobId))!;
  const payload = synthJobPayloadSchema.parse(job.payload);
  const controller = new AbortController();
  const onSigint = () => {
    context.io.err("interrupted: writing the rows already made, then pausing the job…");
    controller.abort();
  };
  const stopListening = onStopSignal(onSigint, ["SIGINT"]);
  const progress = progressPrinter(context);
  try {
    const result = await runSynthJob({
      store,
      models,
      steps: defaultSynthSteps(payload),
      jobId,
      signal: controller.signal,
      onProgress: progress,
      onNotice: (message) => context.io.err(message),
    });
    if (options.json) {
      context.io.out(
        JSON.stringify({ ...result.report, outcome: result.outcome, dataset: result.dataset }, null, 2),
      );
    } else {
      context.io.out(formatSynthReport(result.report));
      if (result.dataset) {
        const { name, version, splitCounts: s } = result.dataset;
        context.io.out(
          `dataset ${name}@${version}: ${s.train} train, ${s.validation} validation, ${s.test} test` +
            ` (alambique datasets show ${name}@${version}; freeze it with alambique datasets freeze ${name}@${version})`,
        );
      }
    }
    switch (result.outcome) {
      case "succeeded":
        return;
      case "paused":
        if (result.error) {
          context.io.err(`error: ${result.error}`);
          context.io.err(`  fix: then run \`alambique synth resume ${jobId}\``);
          context.exitCode = 1;
        } else context.io.err(`job ${jobId} was paused; \`alambique synth resume ${jobId}\` goes on`);
        return;
      case "interrupted":
        context.io.err(
          `job ${jobId} is paused; \`alambique synth resume ${jobId}\` goes on where it stopped`,
        );
        context.exitCode = 130;
        return;
      case "taken_over":
        context.io.err(
          `job ${jobId} was taken over by another worker; \`alambique synth status ${jobId}\` follows it`,
        );
        return;
      default:
        if (result.error) context.io.err(`error: ${result.error}`);
        else context.io.err(`job ${jobId} was ${result.outcome}`);
        context.exitCode = 1;
    }
  } finally {
    stopListening();
  }
}

/** A line on stderr at most every two seconds, when the phase changes, and when the last row is in. */
export function progressPrinter(context: CliContext): (p: SynthProgress) => void {
  let last = 0;
  let phase = "";
  let complete = false;
  return (p) => {
    const now = Date.now();
    const nowComplete = p.planned > 0 && p.rows >= p.planned;
    if (p.phase === phase && now - last < 2000 && !(nowComplete && !complete)) return;
    last = now;
    phase = p.phase;
    complete = nowComplete;
    if (p.phase === "finishing") {
      context.io.err(`synth: removing near-duplicates and making the dataset (${p.kept} kept so far)`);
      return;
    }
    const share = p.planned > 0 ? ((p.rows / p.planned) * 100).toFixed(1) : "0.0";
    const eta = p.etaSeconds === null ? "" : `, eta ${formatDuration(p.etaSeconds * 1000)}`;
    context.io.err(
      `synth: ${p.rows}/${p.planned} rows (${share}%), ${p.kept} kept, ${p.dropped} dropped, ` +
        `${p.rowsPerSecond.toFixed(2)} rows/s${eta}, cost ${formatUsd(p.costUsd)}`,
    );
  };
}
