/**
 * A row for an example imported from a format that carries only messages
 * (OpenAI chat, ShareGPT): a kept SynthRow whose provenance says it was
 * imported. Its key is the split and line number (`train-000042`), so
 * importing the same file twice gives the same keys.
 */
import { detectLanguage } from "../../safety/detect-language.js";
import type { Split, SynthRow, TrainingMessage } from "../../spec/distill.js";

/** `provenance.teacher` of imported rows: no teacher made them here. */
export const IMPORTED_TEACHER = "imported";

export function importedRow(
  messages: TrainingMessage[],
  where: { split: Split; line: number },
  languages: readonly string[],
): SynthRow {
  const users = messages.filter((m) => m.role === "user");
  const usesTools = messages.some((m) => m.role === "tool");
  const language =
    languages.length === 0
      ? "und"
      : languages.length === 1
        ? languages[0]!
        : detectLanguage(users.map((m) => m.content).join("\n"), [...languages]);
  return {
    key: `${where.split}-${String(where.line).padStart(6, "0")}`,
    messages,
    intent: "unknown",
    provenance: {
      kind: users.length === 1 && !usesTools ? "qa" : "conversation",
      chunkIds: [],
      language,
      evolved: 0,
      teacher: IMPORTED_TEACHER,
      seed: 0,
    },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}
