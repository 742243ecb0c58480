/**
 * Runs a training job in this process, as `students train` and `students
 * resume` do: a progress line on stderr (epoch, window, loss, tokens/s, ETA),
 * Ctrl-C pausing the job at its last finished epoch, the student on stdout.
 *
 * Exit codes: 0 when the student is in the catalog; 130 when interrupted (the
 * job is paused and resumable); 1 otherwise, with the error and its fix.
 */
import { runStudentJob } from "../../distill/training/run-student-job.js";
import type { StudentCheckpoint } from "../../distill/training/student-job-payload.js";
import type { Store } from "../../spec/store.js";
import type { TrainerEvent } from "../../spec/students.js";
import type { CliContext } from "../cli-context.js";
import { onStopSignal } from "../stop-signals.js";
import { printStudent, studentView } from "./student-view.js";

export async function runStudentForCli(
  context: CliContext,
  store: Store,
  jobId: string,
  options: { json?: boolean | undefined },
): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    context.io.err("interrupted: stopping the trainer; the job keeps its last finished epoch…");
    controller.abort();
  };
  const stopListening = onStopSignal(onSigint, ["SIGINT"]);
  try {
    const result = await runStudentJob({
      store,
      jobId,
      signal: controller.signal,
      onEvent: progressPrinter(context),
      onNotice: (message) => context.io.err(message),
    });
    if (result.model) {
      const view = studentView(result.model)!;
      if (options.json) context.io.out(JSON.stringify(view, null, 2));
      else printStudent(context, view);
      return;
    }
    if (result.outcome === "interrupted") {
      context.io.err(
        `job ${jobId} is paused; \`alambique students resume ${jobId}\` goes on from the last finished epoch`,
      );
      context.exitCode = 130;
      return;
    }
    if (result.outcome === "taken_over") {
      context.io.err(
        `job ${jobId} was taken over or paused elsewhere; \`alambique students status ${jobId}\` shows it`,
      );
      context.exitCode = 1;
      return;
    }
    if (result.error) throw result.error;
  } finally {
    stopListening();
  }
}

/** Epoch lines always; within an epoch a line at most every 5 s (redrawn in place on a terminal). */
export function progressPrinter(
  context: CliContext,
): (event: TrainerEvent, checkpoint: StudentCheckpoint) => void {
  let last = 0;
  const tty = process.stderr.isTTY === true;
  let lastLoss = "";
  return (event, checkpoint) => {
    switch (event.type) {
      case "ready":
        return context.io.err(
          `training on ${event.backends.join(", ")}: ${event.parameters} parameters` +
            (event.libraries ? ` (llama.cpp libraries from ${event.libraries})` : ""),
        );
      case "base":
        return context.io.err(`base validation loss ${event.validationLoss.toFixed(4)}`);
      case "progress": {
        const now = Date.now();
        if (now - last < (tty ? 250 : 5000) && event.window < event.windows) return;
        last = now;
        const share = event.window / event.windows;
        const bar = `${"#".repeat(Math.round(share * 20))}${"-".repeat(20 - Math.round(share * 20))}`;
        const line =
          `epoch ${event.epoch} [${bar}] ${event.window}/${event.windows} windows, ` +
          `${event.tokensPerSecond.toFixed(0)} tokens/s${lastLoss}${eta(checkpoint.inFlight?.etaSeconds ?? null)}`;
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else context.io.err(line);
        return;
      }
      case "epoch": {
        const m = event.metrics;
        lastLoss = `, last validation loss ${m.validationLoss.toFixed(3)}`;
        if (tty) process.stderr.write("\r\x1b[K");
        return context.io.err(
          `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, validation loss ${m.validationLoss.toFixed(4)}, ${m.tokensPerSecond.toFixed(0)} tokens/s`,
        );
      }
      case "saved":
        return context.io.err("trained; registering the student");
      case "failed":
        return context.io.err(`failed: ${event.message}`);
    }
  };
}

export function eta(seconds: number | null): string {
  if (seconds === null) return "";
  const s = Math.ceil(seconds);
  return s < 60
    ? `, eta ${s}s`
    : s < 3600
      ? `, eta ${Math.floor(s / 60)}m${s % 60}s`
      : `, eta ${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
