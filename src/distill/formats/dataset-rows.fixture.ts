/** Test fixture: rows of every shape a dataset holds (question–answer, tool calls, parallel calls), and a card. */
import type { DatasetCard, Split, SynthRow } from "../../spec/distill.js";

const base = {
  intent: "order_status",
  judgement: { groundedness: 5, helpfulness: 4, policy: 5, languageMatch: 5, rationale: "fine" },
  dropped: null,
  dropDetail: null,
  usage: { inputTokens: 120, outputTokens: 40 },
};

export const qaRow: SynthRow = {
  ...base,
  key: "qa-0001",
  intent: "opening_hours",
  messages: [
    { role: "system", content: "Eres Lucía, de la Panadería La Espiga." },
    { role: "user", content: "¿A qué hora abrís el domingo?" },
    { role: "assistant", content: "El domingo abrimos de 8:00 a 14:30 [S1]." },
  ],
  provenance: {
    kind: "qa",
    chunkIds: ["c-1"],
    persona: "regular",
    intent: "opening_hours",
    difficulty: "easy",
    language: "es",
    evolved: 0,
    teacher: "teacher-70b",
    seed: 7,
  },
};

export const toolRow: SynthRow = {
  ...base,
  key: "conv-0002",
  messages: [
    { role: "system", content: "You are Lucía." },
    { role: "user", content: "Where is my order LE-2051?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_a",
          type: "function",
          function: { name: "order_status", arguments: '{"order_id":"LE-2051"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_a", content: '{"status":"baking","ready_at":"17:30"}' },
    { role: "assistant", content: "It's in the oven: ready at 17:30." },
    { role: "user", content: "Thanks! Are you open now, and is the cake gluten free?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_b", type: "function", function: { name: "business_hours", arguments: "{}" } },
        {
          id: "call_c",
          type: "function",
          function: { name: "search_knowledge", arguments: '{"query":"gluten"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_b", content: '{"open":true}' },
    { role: "tool", tool_call_id: "call_c", content: "[S1] gluten-free buckwheat loaf" },
    { role: "assistant", content: "Yes, we're open. The cake has gluten [S1]." },
  ],
  provenance: {
    kind: "conversation",
    chunkIds: ["c-2"],
    persona: "in_a_hurry",
    intent: "order_status",
    difficulty: "medium",
    language: "en",
    evolved: 0,
    teacher: "teacher-70b",
    seed: 7,
  },
};

export const splitRows: { split: Split; row: SynthRow }[] = [
  { split: "train", row: qaRow },
  { split: "train", row: toolRow },
  { split: "validation", row: { ...qaRow, key: "qa-0003", judgement: null } },
  { split: "test", row: { ...toolRow, key: "conv-0004" } },
];

export const card: DatasetCard = {
  name: "la-espiga",
  version: 2,
  agent: "la-espiga",
  teacher: { name: "teacher-70b", licenseId: "llama3.1" },
  judge: { name: "judge-8b", licenseId: "apache-2.0" },
  filters: { groundedness: 3, helpfulness: 3, policy: 4, languageMatch: 4, dedupThreshold: 0.4 },
  counts: { train: 2, validation: 1, test: 1, dropped: { near_duplicate: 3, low_groundedness: 1 } },
  languages: ["es", "en"],
  contentHash: "sha256:0f0f",
  createdAt: "2026-11-24T10:00:00.000Z",
  frozenAt: "2026-11-24T11:00:00.000Z",
};
