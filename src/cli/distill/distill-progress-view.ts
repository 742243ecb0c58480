/**
 * One progress view for the whole loop, on stderr: a header line as each
 * stage starts (`[3/5] train …, job ID`), then that stage's sub-job's own
 * progress lines, printed by the same printers as `synth run`, `students
 * train` and `eval run`, so a stage reads the same as its own command.
 */
import type { DistillEvent } from "../../distill/loop/distill-event.js";
import { DISTILL_STAGES, stageNumber } from "../../distill/loop/distill-job-payload.js";
import type { CliContext } from "../cli-context.js";
import { progressPrinter as evalPrinter } from "../eval/run-eval-for-cli.js";
import { progressPrinter as studentPrinter } from "../students/run-student-for-cli.js";
import { progressPrinter as synthPrinter } from "../synth/run-synth-for-cli.js";

export function distillProgressView(context: CliContext): (event: DistillEvent) => void {
  const synth = synthPrinter(context);
  const train = studentPrinter(context);
  const evaluation = evalPrinter(context);
  return (event) => {
    switch (event.type) {
      case "stage": {
        const job = event.jobId ? ` (job ${event.jobId}${event.resumed ? ", resumed" : ""})` : "";
        return context.io.err(`[${stageNumber(event.stage)}/${DISTILL_STAGES.length}] ${event.detail}${job}`);
      }
      case "synth":
        return synth(event.progress);
      case "train":
        return train(event.event, event.checkpoint);
      case "eval":
        return evaluation(event.progress);
      case "notice":
        return context.io.err(event.message);
    }
  };
}
