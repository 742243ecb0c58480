/**
 * The generation steps as the engine runs them (`SynthSteps`): the plan, one
 * task runner dispatching on the task's kind, and the judge.
 */

import { createJudgeRow, type JudgeOptions } from "../judge/judge-row.js";
import type { SynthSteps } from "../pipeline/synth-step.js";
import { type PlanOptions, planTasks } from "./plan-tasks.js";
import { runRealTask } from "./real-conversation-rows.js";
import { runConversationTask } from "./run-conversation-task.js";
import { runQaTask } from "./run-qa-task.js";
import { defaultStepOptions, type StepOptions } from "./step-options.js";

export interface SynthStepsOptions {
  plan?: PlanOptions;
  steps?: Partial<StepOptions>;
  judge?: JudgeOptions;
}

export function createSynthSteps(options: SynthStepsOptions = {}): SynthSteps {
  const stepOptions: StepOptions = { ...defaultStepOptions, ...options.steps };
  return {
    plan: (ctx, count) => planTasks(ctx, count, options.plan),
    run: (ctx, task) => {
      switch (task.kind) {
        case "qa":
          return runQaTask(ctx, task, stepOptions);
        case "conversation":
          return runConversationTask(ctx, task, stepOptions);
        case "real":
          return runRealTask(ctx, task);
      }
    },
    judge: createJudgeRow(options.judge),
  };
}
