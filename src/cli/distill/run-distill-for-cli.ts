/**
 * Runs a distillation loop in this process, as `distill AGENT` and `distill
 * resume` do: one progress view on stderr, Ctrl-C pausing the sub-job in
 * flight and the loop with it, and the outcome on stdout (a summary, or JSON).
 *
 * Exit codes: 0 when the student was promoted; 1 when the gate was not met
 * (the failed criteria listed, the student kept but not promoted) or a stage
 * stopped (which stage, its sub-job's error, how to resume); 130 when
 * interrupted with Ctrl-C (the loop is paused and resumable).
 */
import type { DistillStop } from "../../distill/loop/distill-event.js";
import { DISTILL_STAGES, stageNumber } from "../../distill/loop/distill-job-payload.js";
import { type DistillRunResult, runDistillJob } from "../../distill/loop/run-distill-job.js";
import type { ModelRegistry } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { onStopSignal } from "../stop-signals.js";
import { distillProgressView } from "./distill-progress-view.js";

export async function runDistillForCli(
  context: CliContext,
  store: Store,
  models: ModelRegistry,
  modelsDir: string,
  jobId: string,
  options: { json?: boolean | undefined },
): Promise<DistillRunResult> {
  const controller = new AbortController();
  const onSigint = () => {
    context.io.err("interrupted: pausing the stage in flight at its last checkpoint…");
    controller.abort();
  };
  const stopListening = onStopSignal(onSigint, ["SIGINT"]);
  try {
    const result = await runDistillJob({
      store,
      models,
      modelsDir,
      jobId,
      signal: controller.signal,
      onEvent: distillProgressView(context),
    });
    if (options.json) context.io.out(JSON.stringify(distillJson(result), null, 2));
    else context.io.out(distillSummary(result));
    report(context, result);
    return result;
  } finally {
    stopListening();
  }
}

/** What `--json` prints: the loop's id, status, sub-jobs, scorecard and gate, and where it stopped. */
export function distillJson(result: DistillRunResult) {
  const { job, payload: p, checkpoint: ck } = result;
  return {
    id: job.id,
    status: job.status,
    outcome: result.outcome,
    stage: ck.stage,
    agent: p.agent.name,
    teacher: p.teacher,
    base: p.base,
    student: p.student,
    dataset: ck.dataset,
    jobs: ck.jobs,
    scorecard: ck.scorecardId,
    gate: ck.gate,
    promoted: ck.promotion !== null,
    promotion: ck.promotion,
    stopped: result.stop,
  };
}

function distillSummary(result: DistillRunResult): string {
  const { job, payload: p, checkpoint: ck } = result;
  const lines = [`distill ${job.id}: ${job.status}${ck.stage === "done" ? "" : ` at stage ${ck.stage}`}`];
  if (ck.dataset)
    lines.push(`  dataset    ${ck.dataset.name}@${ck.dataset.version} (synth job ${ck.jobs.synth})`);
  if (ck.jobs.train) lines.push(`  student    ${p.student} from ${p.base} (train job ${ck.jobs.train})`);
  if (ck.scorecardId)
    lines.push(
      `  scorecard  ${ck.scorecardId} (eval job ${ck.jobs.eval}): \`alambique eval show ${ck.scorecardId}\``,
    );
  if (ck.gate) lines.push(`  gate       ${ck.gate.passed ? "passed" : "not passed"}`);
  if (ck.promotion)
    lines.push(
      `  promoted   ${p.agent.name} now answers with ${p.student} (change ${ck.promotion.seq}); undo: \`alambique students rollback --agent ${p.agent.name}\``,
    );
  else if (ck.gate && !ck.gate.passed) lines.push(`  promoted   no: ${p.student} is kept in the catalog`);
  return lines.join("\n");
}

/** Says on stderr why the loop did not promote, and sets the exit code. */
function report(context: CliContext, result: DistillRunResult): void {
  const { job, payload: p, checkpoint: ck } = result;
  if (result.outcome === "succeeded") {
    if (ck.gate?.passed !== false) return;
    context.io.err(`error: ${p.student} does not meet ${p.agent.name}'s gate, so it was not promoted:`);
    for (const failure of ck.gate.failures) context.io.err(`  - ${failure}`);
    context.io.err(
      `  fix: more rows (--rows), more epochs (--epochs) or a larger base, then distill again; ` +
        `\`alambique eval show ${ck.scorecardId}\` shows every metric; or promote it anyway: ` +
        `\`alambique students promote ${p.student} --agent ${p.agent.name} --force --why TEXT\``,
    );
    context.exitCode = 1;
    return;
  }
  const resume = `\`alambique distill resume ${job.id}\``;
  if (result.outcome === "interrupted") {
    context.io.err(`job ${job.id} is paused at stage ${ck.stage}; ${resume} goes on where it stopped`);
    context.exitCode = 130;
    return;
  }
  if (result.outcome === "taken_over") {
    context.io.err(
      `job ${job.id} was taken over or paused elsewhere; \`alambique distill status ${job.id}\` shows it`,
    );
    context.exitCode = 1;
    return;
  }
  const stop = result.stop;
  const where = stop ? stopPlace(stop) : `stage ${ck.stage}`;
  context.io.err(
    `error: ${where} ${job.status === "failed" ? "failed" : "stopped"}: ${stop?.error ?? job.error ?? result.outcome}`,
  );
  context.io.err(
    job.status === "failed"
      ? "  the loop cannot go on from there: start a new one with `alambique distill AGENT --teacher T --base B`"
      : `  fix: the cause above, then ${resume} goes on from that stage${stop?.jobId ? `, resuming job ${stop.jobId}` : ""}`,
  );
  context.exitCode = 1;
}

const SUB_JOB_STATUS: Partial<Record<DistillStop["stage"], string>> = {
  synth: "alambique synth status",
  train: "alambique students status",
};

function stopPlace(stop: DistillStop): string {
  const status = SUB_JOB_STATUS[stop.stage];
  const job = stop.jobId ? `, job ${stop.jobId}${status ? `: \`${status} ${stop.jobId}\`` : ""}` : "";
  return `stage ${stageNumber(stop.stage)}/${DISTILL_STAGES.length} (${stop.stage}${job})`;
}
