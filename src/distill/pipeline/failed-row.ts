/**
 * The row written for a task whose step never produced a valid one: dropped,
 * with the reason and what went wrong, and provenance read from the task's
 * grid cell, so that the run report still counts it per language and intent.
 */
import { type DropReason, type SynthRow, type SynthTask, synthRowSchema } from "../../spec/distill.js";
import type { JsonValue } from "../../spec/json.js";
import type { TokenCounts } from "../../spec/store.js";

export interface FailedRowContext {
  teacherName: string;
  seed: number;
  languages: string[];
}

export function failedRow(
  task: SynthTask,
  context: FailedRowContext,
  reason: DropReason,
  detail: string,
  usage: TokenCounts,
): SynthRow {
  const { cell } = task;
  const intent = text(cell.intent) ?? "unknown";
  const chunkIds = strings(cell.chunkIds) ?? (text(cell.chunkId) ? [text(cell.chunkId)!] : []);
  const difficulty = text(cell.difficulty);
  const provenance: SynthRow["provenance"] = {
    kind: task.kind,
    chunkIds,
    intent,
    language: text(cell.language) ?? context.languages[0] ?? "en",
    evolved:
      typeof cell.evolve === "number" && Number.isInteger(cell.evolve) && cell.evolve >= 0 ? cell.evolve : 0,
    teacher: context.teacherName,
    seed: context.seed,
  };
  if (text(cell.persona)) provenance.persona = text(cell.persona)!;
  if (difficulty === "easy" || difficulty === "medium" || difficulty === "hard")
    provenance.difficulty = difficulty;
  if (text(cell.conversationId)) provenance.conversationId = text(cell.conversationId)!;
  return synthRowSchema.parse({
    key: task.key,
    messages: [],
    intent,
    provenance,
    judgement: null,
    dropped: reason,
    dropDetail: detail,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
  });
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function strings(value: JsonValue | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}
