/**
 * Building the rows the steps return, so that every step fills provenance
 * the same way: the cell's axes, the job's seed, the teacher's name. The
 * engine replaces `usage` with the metered total, so steps leave it at zero.
 */
import type { DropReason, SynthRow, SynthTask, TrainingMessage } from "../../spec/distill.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import type { TaskCell } from "./task-cell.js";

export function gridProvenance(
  ctx: SynthContext,
  task: SynthTask,
  cell: TaskCell,
  chunkIds: string[],
): SynthRow["provenance"] {
  return {
    kind: task.kind,
    chunkIds: [...new Set(chunkIds)],
    persona: cell.persona,
    intent: cell.intent,
    difficulty: cell.difficulty,
    language: cell.language,
    evolved: cell.evolve,
    teacher: ctx.teacherName,
    seed: ctx.seed,
  };
}

export function keptRow(
  task: SynthTask,
  intent: string,
  provenance: SynthRow["provenance"],
  messages: TrainingMessage[],
): SynthRow {
  return {
    key: task.key,
    messages,
    intent,
    provenance,
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

/** A row dropped by the step itself; `messages` keeps what was made before it went wrong (may be empty). */
export function droppedRow(
  task: SynthTask,
  intent: string,
  provenance: SynthRow["provenance"],
  reason: DropReason,
  detail: string,
  messages: TrainingMessage[] = [],
): SynthRow {
  return {
    ...keptRow(task, intent, provenance, messages),
    dropped: reason,
    dropDetail: detail.slice(0, 1000),
  };
}

/** The instant a task pretends to run at: a weekday-or-weekend time in 2027 from its seed, so prompts vary but repeat. */
export function taskNow(seed: number): Date {
  const day = seed % 364;
  const minutes = 7 * 60 + ((seed >>> 9) % (14 * 60));
  return new Date(Date.UTC(2027, 0, 4) + day * 86_400_000 + minutes * 60_000);
}

export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
