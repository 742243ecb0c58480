/** Test fixture: a kept question–answer row, valid against synthRowSchema, with only what a test varies. */
import type { SynthRow, TrainingMessage } from "../../spec/distill.js";

export function qaRow(
  key: string,
  question: string,
  answer: string,
  extra: Partial<SynthRow> = {},
): SynthRow {
  return {
    key,
    messages: [
      { role: "system", content: "You are Lucía, the bakery's assistant." },
      { role: "user", content: question },
      { role: "assistant", content: answer },
    ],
    intent: "ask_info",
    provenance: {
      kind: "qa",
      chunkIds: ["chunk-1"],
      persona: "regular",
      intent: "ask_info",
      difficulty: "easy",
      language: "es",
      evolved: 0,
      teacher: "forged",
      seed: 1,
    },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 10, outputTokens: 20 },
    ...extra,
  };
}

export function userMessage(content: string): TrainingMessage {
  return { role: "user", content };
}
