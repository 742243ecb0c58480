/**
 * One task, start to finish: the generation step, then the judge (for a kept
 * row, when the job has one), each retried with backoff when it fails with an
 * error a retry may cure. Returns the row to write — kept, or dropped with
 * its reason — or `undefined` when the run was stopped meanwhile (the task is
 * left for the next worker: nothing half-done is written).
 *
 * Every model call goes through a metered model (its own timeout, its tokens
 * counted for this task); the row's `usage` is the teacher's total over all
 * attempts, and the judge's is returned beside it.
 */

import { isInvalidOutput } from "../../models/structured/is-invalid-output.js";
import { type SynthRow, synthRowSchema } from "../../spec/distill.js";
import type { TokenCounts } from "../../spec/store.js";
import { failedRow } from "./failed-row.js";
import { meteredModel } from "./metered-model.js";
import { backoffMs, describeFailure, isRetryable, sleep } from "./retry-policy.js";
import type { SynthContext, SynthSteps, SynthTask } from "./synth-step.js";

/** The job-wide part of the context; the engine adds the per-task models, signal and meter. */
export type SharedSynthContext = Omit<SynthContext, "signal" | "addUsage">;

export interface RetrySettings {
  maxAttempts: number;
  callTimeoutMs: number;
  /** First backoff in ms (doubling, with jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ProducedRow {
  row: SynthRow;
  judgeUsage: TokenCounts;
}

export async function produceRow(
  shared: SharedSynthContext,
  steps: SynthSteps,
  task: SynthTask,
  retry: RetrySettings,
  signal: AbortSignal,
): Promise<ProducedRow | undefined> {
  const teacherUsage = { inputTokens: 0, outputTokens: 0 };
  const judgeUsage = { inputTokens: 0, outputTokens: 0 };
  const context = (usage: TokenCounts): SynthContext => {
    const ctx: SynthContext = {
      ...shared,
      teacher: meteredModel(shared.teacher, teacherUsage, {
        timeoutMs: retry.callTimeoutMs,
        name: shared.teacherName,
      }),
      signal,
      addUsage: (extra) => {
        usage.inputTokens += extra.inputTokens;
        usage.outputTokens += extra.outputTokens;
      },
    };
    if (shared.judge)
      ctx.judge = meteredModel(shared.judge, judgeUsage, { timeoutMs: retry.callTimeoutMs, name: "judge" });
    return ctx;
  };
  const fail = (reason: SynthRow["dropped"] & string, detail: string): ProducedRow => ({
    row: failedRow(task, shared, reason, detail, teacherUsage),
    judgeUsage,
  });

  const generated = await attempt(() => steps.run(context(teacherUsage), task), retry, signal);
  if (generated.status === "stopped") return undefined;
  if (generated.status === "failed")
    return fail(generated.invalid ? "invalid_output" : "teacher_failed", generated.detail);
  let row = checked(generated.value, task.key);
  if (typeof row === "string") return fail("invalid_output", row);

  if (steps.judge && shared.judge && row.dropped === null) {
    const judged = await attempt(() => steps.judge!(context(judgeUsage), row as SynthRow), retry, signal);
    if (judged.status === "stopped") return undefined;
    if (judged.status === "failed") return fail("judge_failed", judged.detail);
    const checkedJudged = checked(judged.value, task.key);
    if (typeof checkedJudged === "string") return fail("judge_failed", checkedJudged);
    row = checkedJudged;
  }
  return { row: { ...row, usage: { ...teacherUsage } }, judgeUsage };
}

type Attempted<T> =
  | { status: "done"; value: T }
  | { status: "failed"; detail: string; invalid: boolean }
  | { status: "stopped" };

async function attempt<T>(
  run: () => Promise<T>,
  retry: RetrySettings,
  signal: AbortSignal,
): Promise<Attempted<T>> {
  for (let n = 1; ; n++) {
    if (signal.aborted) return { status: "stopped" };
    try {
      return { status: "done", value: await run() };
    } catch (error) {
      if (signal.aborted) return { status: "stopped" };
      const detail = `${describeFailure(error)} (attempt ${n} of ${retry.maxAttempts})`;
      if (n >= retry.maxAttempts || !isRetryable(error)) {
        return { status: "failed", detail, invalid: isInvalidOutput(error) };
      }
      try {
        await sleep(backoffMs(n, retry.baseDelayMs, retry.maxDelayMs), signal);
      } catch {
        return { status: "stopped" };
      }
    }
  }
}

/** The row if it is valid and has the task's key, else why not. */
function checked(row: SynthRow, key: string): SynthRow | string {
  const parsed = synthRowSchema.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `the step returned an invalid row: ${issue?.path.join(".") || "row"}: ${issue?.message ?? "invalid"}`;
  }
  if (parsed.data.key !== key) return `the step returned the row ${parsed.data.key} for the task ${key}`;
  return parsed.data;
}
